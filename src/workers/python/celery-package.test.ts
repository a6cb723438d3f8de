/**
 * The page's and the CLI's Python workers install the `celery` package from CELERY_PACKAGE, a list
 * written by hand (esbuild and Vite bundle each .py file as text through its own import): a file
 * added to py/celery/ and left out of it is missing in the browser only (the Node tests read the
 * folder). Every file of the folder is in the list, under its own name, and nothing else is.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

const PACKAGE_DIR = new URL("../../../py/celery/", import.meta.url);
const LIST = readFileSync(new URL("./celery-package.ts", import.meta.url), "utf8");

describe("CELERY_PACKAGE", () => {
  it("bundles every .py file of py/celery under its own name", () => {
    const files = readdirSync(PACKAGE_DIR).filter((f) => f.endsWith(".py")).sort();
    const imported = [...LIST.matchAll(/import (\w+) from "\.\.\/\.\.\/\.\.\/py\/celery\/([\w.]+\.py)";/g)].map((m) => ({ name: m[1]!, file: m[2]! }));
    const listed = [...LIST.matchAll(/^\s+"([\w.]+\.py)": (\w+),$/gm)].map((m) => ({ file: m[1]!, name: m[2]! }));
    expect(imported.map((i) => i.file).sort()).toEqual(files);
    expect(listed.map((l) => l.file).sort()).toEqual(files);
    // Each entry holds the text of its own file.
    for (const l of listed) expect(imported.find((i) => i.name === l.name)?.file, l.file).toBe(l.file);
  });
});
