/**
 * Where in the learner's Python a reported error points: the innermost `File "scenario.py", line N`
 * frame of its traceback (the learner's frames only: py/celery drops the package's own), and for a
 * SyntaxError the column its caret line marks. Python prints the offending line with its leading
 * whitespace stripped and indented by four spaces, so the caret's offset is counted from the first
 * non-blank character of the line in `source`. Pure: unit-tested with tracebacks Pyodide printed.
 */
export interface SourcePoint {
  /** 1-based, as editors and Python count. */
  line: number;
  column: number;
}

const INDENT = "    ";

export function pythonErrorAt(traceback: string | null | undefined, source: string, file = "scenario.py"): SourcePoint | null {
  if (!traceback) return null;
  const lines = traceback.split("\n");
  const frame = new RegExp(`^\\s*File "${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}", line (\\d+)`);
  let at = -1;
  let line = 0;
  lines.forEach((l, i) => {
    const m = frame.exec(l);
    if (m) {
      at = i;
      line = Number(m[1]);
    }
  });
  if (at < 0) return null;
  const text = source.split("\n")[line - 1] ?? "";
  const indent = text.length - text.trimStart().length;
  // A SyntaxError: the line as Python shows it, then a caret line (`^` or `^^^`) under the spot.
  const shown = lines[at + 1];
  const caret = lines[at + 2];
  if (shown?.startsWith(INDENT) && caret && /^\s*\^+\s*$/.test(caret)) {
    const offset = caret.indexOf("^") - INDENT.length;
    return { line, column: indent + Math.max(0, offset) + 1 };
  }
  return { line, column: indent + 1 };
}
