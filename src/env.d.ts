/** Build-time constants and virtual modules (vite.config.ts). */
declare const __ESBUILD_WASM_VERSION__: string;

declare module "virtual:precompiled" {
  import type { ShippedTable } from "./workers/compile-cache";
  const table: ShippedTable;
  export default table;
}

/** The workers that run learner code, as one classic script each (scripts/vite/sandbox-plugin.ts). */
declare module "virtual:sandbox-source/sim" {
  const source: string;
  export default source;
}
declare module "virtual:sandbox-source/experiment" {
  const source: string;
  export default source;
}
declare module "virtual:sandbox-source/python" {
  const source: string;
  export default source;
}
