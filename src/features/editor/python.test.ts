import { describe, expect, it } from "vitest";
import { EditorState } from "@codemirror/state";
import { python } from "@codemirror/lang-python";
import { pythonSyntaxErrors } from "./python";

const at = (doc: string) => pythonSyntaxErrors(EditorState.create({ doc, extensions: [python()] })).map((d) => {
  const line = EditorState.create({ doc }).doc.lineAt(d.from);
  return { line: line.number, column: d.from - line.from + 1 };
});

describe("Python syntax lint", () => {
  it("marks nothing in valid Python (a scenario with decorators, f-strings, keyword arguments)", () => {
    const ok = 'from celery import Celery\napp = Celery("lab", broker="redis")\n\n@app.task(bind=True, max_retries=3)\ndef flaky(self, data):\n    return f"done {data}"\n\ndef main():\n    app.worker(hostname="w1", concurrency=2)\n    flaky.delay("a")\n';
    expect(at(ok)).toEqual([]);
  });

  it("marks a syntax error on its line", () => {
    expect(at("x = 1\ndef f(:\n    return 1\n")).toEqual([{ line: 2, column: 7 }]);
    expect(at("if x\n    pass\n")).toEqual([{ line: 1, column: 5 }]);
    expect(at("def g():\nreturn 1\n")).toEqual([{ line: 2, column: 1 }]);
  });
});
