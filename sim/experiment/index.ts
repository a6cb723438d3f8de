/** Experiments: sweeps over parameters and seeds, their figures with spread, counterfactual diffs. Pure: Node and the browser use it alike. */
export * from "./types";
export * from "./spec";
export * from "./inject";
export * from "./run";
export * from "./aggregate";
export * from "./diff";
export * from "./builtin";
