/**
 * A task state as colour, shape and word together, so it reads without colour vision and in
 * grayscale print (the RabbitMQ simulator's open TODO).
 */
const SHAPES: Record<string, string> = {
  PENDING: "○",
  RECEIVED: "◇",
  STARTED: "▶",
  RETRY: "↻",
  SUCCESS: "✓",
  FAILURE: "✕",
  REVOKED: "⊘",
  REJECTED: "⊗",
  IGNORED: "–",
};

export function stateShape(state: string): string {
  return SHAPES[state] ?? "◐";
}

export function stateClass(state: string): string {
  return SHAPES[state] ? `st-${state.toLowerCase()}` : "st-custom";
}

export function StateBadge(props: { state: string; count?: number }) {
  return (
    <span class={`state ${stateClass(props.state)}`}>
      <span class="shape" aria-hidden="true">
        {stateShape(props.state)}
      </span>
      {props.state}
      {props.count !== undefined ? <span class="count">{props.count}</span> : null}
    </span>
  );
}
