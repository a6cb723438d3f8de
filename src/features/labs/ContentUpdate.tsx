/**
 * Shown when the course changed a lab (its starter or checks) after the learner started it: their
 * copy and the new starter side by side, to keep one or the other.
 */
export function ContentUpdate(props: { mine: string; next: string; onKeep(): void; onReset(): void }) {
  return (
    <div class="lab-modal-backdrop">
      <div class="lab-modal" role="dialog" aria-modal="true" aria-labelledby="update-h">
        <h2 id="update-h">This lab was updated since you started it</h2>
        <p class="muted">
          The course changed the lab's starter or its checks. Your copy is kept unless you choose the new starter. Copy anything you want to keep from
          one side to the other after choosing.
        </p>
        <div class="side-by-side">
          <figure>
            <figcaption>Your copy</figcaption>
            <pre class="mono" data-testid="your-copy">{props.mine}</pre>
          </figure>
          <figure>
            <figcaption>The course's new starter</figcaption>
            <pre class="mono" data-testid="new-starter">{props.next}</pre>
          </figure>
        </div>
        <div class="modal-actions">
          <button class="btn" onClick={props.onKeep}>
            Keep my copy
          </button>
          <button class="btn primary" onClick={props.onReset}>
            Reset to the new starter
          </button>
        </div>
      </div>
    </div>
  );
}
