import { Index, Show } from "solid-js";
import { StateBadge } from "./StateBadge";

const ORDER = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED", "REJECTED"];

export function StateCounts(props: { counts: Record<string, number> }) {
  const entries = () => {
    const c = props.counts;
    const keys = Object.keys(c).sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
    return keys.filter((k) => c[k]! > 0).map((k) => [k, c[k]!] as const);
  };
  return (
    <Show when={entries().length} fallback={<div class="counts muted">No tasks yet</div>}>
      <div class="counts" aria-label="State counts" role="list">
        {/* By position: a frame that only changes the numbers updates text, not elements. */}
        <Index each={entries()}>
          {(e) => (
            <span role="listitem">
              <StateBadge state={e()[0]} count={e()[1]} />
            </span>
          )}
        </Index>
      </div>
    </Show>
  );
}
