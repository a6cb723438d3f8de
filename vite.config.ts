import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// base "./" so the built site works from any sub-path of a static host.
export default defineConfig({
  base: "./",
  plugins: [solid()],
  worker: { format: "es" },
  optimizeDeps: { include: ["esbuild-wasm", "comlink"] },
  build: { target: "es2022", chunkSizeWarningLimit: 1500 },
  resolve: { alias: {} },
});
