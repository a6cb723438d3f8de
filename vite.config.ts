import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { pyodideAssetsPlugin } from "./scripts/vite/pyodide-assets-plugin";
import { precompilePlugin } from "./scripts/vite/precompile-plugin";
import { sandboxPlugin } from "./scripts/vite/sandbox-plugin";
import { swManifestPlugin } from "./scripts/vite/sw-manifest-plugin";

const esbuildWasmVersion = JSON.parse(readFileSync(new URL("./node_modules/esbuild-wasm/package.json", import.meta.url), "utf8")).version as string;

// base "./" so the built site works from any sub-path of a static host.
export default defineConfig({
  base: "./",
  plugins: [solid(), precompilePlugin(process.cwd()), sandboxPlugin(process.cwd()), pyodideAssetsPlugin(process.cwd()), swManifestPlugin()],
  define: { __ESBUILD_WASM_VERSION__: JSON.stringify(esbuildWasmVersion) },
  worker: { format: "es" },
  optimizeDeps: { include: ["esbuild-wasm", "comlink"] },
  build: { target: "es2022", chunkSizeWarningLimit: 1500 },
  resolve: { alias: {} },
});
