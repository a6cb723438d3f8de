/** Build-time constants and virtual modules (vite.config.ts). */
declare const __ESBUILD_WASM_VERSION__: string;

declare module "virtual:precompiled" {
  import type { ShippedTable } from "./workers/compile-cache";
  const table: ShippedTable;
  export default table;
}
