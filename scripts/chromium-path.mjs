// Finds a Chromium for Playwright. Playwright cannot download its own browser on these machines,
// so we use the system one: $CHROMIUM_PATH first, then the usual install locations.
import { existsSync } from "node:fs";

const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  return CANDIDATES.find((p) => existsSync(p));
}

const HOW_TO_INSTALL = `No Chromium found for the browser tests.
Install one of these, then run npm test again:
  Debian/Ubuntu:   sudo apt-get install -y chromium
  anywhere else:   npx playwright install chromium
  or point at one: CHROMIUM_PATH=/path/to/chrome npm test`;

if (process.argv.includes("--check")) {
  const found = chromiumPath();
  if (!found) {
    console.error(HOW_TO_INSTALL);
    process.exit(1);
  }
  console.log(`Browser tests use ${found}`);
}
