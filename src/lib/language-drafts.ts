/**
 * Drafts per language: a scenario (an example or a lab, by its draft key) keeps one text per
 * language and the language last chosen for it. The TypeScript text stays under the bare key (so the
 * drafts saved before Python exist are the TypeScript ones), Python's under `<key>.py`, the choice
 * under `<key>.language`. The stored shape (string drafts by key) is unchanged: no migration.
 */
import type { DraftStore } from "./drafts";
import { isLanguage, type Language } from "./language";

export const codeKey = (key: string, language: Language): string => (language === "python" ? `${key}.py` : key);
export const languageKey = (key: string): string => `${key}.language`;

/** The language last chosen for `key`, or TypeScript. */
export async function savedLanguage(drafts: DraftStore, key: string): Promise<Language> {
  const v = await drafts.load(languageKey(key));
  return isLanguage(v) ? v : "typescript";
}

/** The Python scenario the sandbox starts from in Python where its example has no Python of its own (the blank scenario). */
export const PYTHON_STARTER = `# A Python scenario: Celery's own names, on the simulated cluster.
import random
import time
from celery import Celery

class FlakyError(Exception):
    pass

app = Celery("lab", broker="redis")

@app.task(bind=True, max_retries=3, default_retry_delay=1)
def flaky(self, data):
    time.sleep(0.2)
    if random.random() < 0.5:
        raise self.retry(exc=FlakyError("Random failure occurred"))
    return f"Success after {self.request.retries} retries"

def main():
    app.worker(hostname="w1", concurrency=2)
    for x in ["a", "b", "c"]:
        flaky.delay(x)
`;
