/**
 * The patterns never read time themselves: they are handed a clock, so the same code runs on the
 * simulated clock in a scenario and on a hand-driven one in a test. A Sim is a clock (`nowS`).
 */
export type Clock = (() => number) | { readonly nowS: number };

export function clockFn(clock: Clock): () => number {
  return typeof clock === "function" ? clock : () => clock.nowS;
}
