import { describe, expect, it } from "vitest";
import { memoryDrafts } from "./drafts";
import { codeKey, languageKey, savedLanguage } from "./language-drafts";

describe("drafts per language", () => {
  it("keeps the TypeScript draft under the bare key (drafts saved before Python), Python's beside it", async () => {
    const d = memoryDrafts();
    await d.save("lab:1.3", "ts text");
    await d.save(codeKey("lab:1.3", "python"), "py text");
    expect(await d.load(codeKey("lab:1.3", "typescript"))).toBe("ts text");
    expect(await d.load(codeKey("lab:1.3", "python"))).toBe("py text");
  });

  it("remembers the language chosen per scenario; none or an unknown value is TypeScript", async () => {
    const d = memoryDrafts();
    expect(await savedLanguage(d, "basic")).toBe("typescript");
    await d.save(languageKey("basic"), "python");
    expect(await savedLanguage(d, "basic")).toBe("python");
    expect(await savedLanguage(d, "other")).toBe("typescript");
    await d.save(languageKey("other"), "cobol");
    expect(await savedLanguage(d, "other")).toBe("typescript");
  });
});
