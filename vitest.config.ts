import { defineConfig } from "vitest/config";

// Unit, conformance and lab tests run in Node. The Solid plugin is left out on purpose:
// it would switch the environment to jsdom, and nothing here needs a DOM.
export default defineConfig({
  test: {
    environment: "node",
    include: ["sim/**/*.test.ts", "reference/**/*.test.ts", "src/**/*.test.ts", "labs/**/*.test.ts", "cli/**/*.test.ts", "scripts/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
