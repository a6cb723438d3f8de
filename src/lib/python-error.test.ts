import { describe, expect, it } from "vitest";
import { pythonErrorAt } from "./python-error";

// Printed by Pyodide 314.0.8 (traceback.TracebackException.format of a compile/exec of "scenario.py").
const SYNTAX_IN_BLOCK = `Traceback (most recent call last):
  File "scenario.py", line 4
    def f(:
    ^^^
SyntaxError: invalid syntax
`;
const SYNTAX_AT_END = `Traceback (most recent call last):
  File "scenario.py", line 3
    return 1 +
              ^
SyntaxError: invalid syntax
`;
const RUNTIME = `Traceback (most recent call last):
  File "scenario.py", line 5, in <module>
  File "scenario.py", line 3, in g
AttributeError: 'int' object has no attribute 'missing'
`;

describe("pythonErrorAt", () => {
  it("puts a SyntaxError at its caret, counted from the line's own indentation", () => {
    expect(pythonErrorAt(SYNTAX_IN_BLOCK, "x = 1\nif True:\n    y = (1,\n    def f(:\n")).toEqual({ line: 4, column: 5 });
    expect(pythonErrorAt(SYNTAX_AT_END, "x = 1\ndef f():\n    return 1 +\n")).toEqual({ line: 3, column: 15 });
  });

  it("puts a runtime error at the innermost frame of the scenario, at the line's first character", () => {
    expect(pythonErrorAt(RUNTIME, "import math\ndef g(a):\n    return a.missing\n\ng(3)\n")).toEqual({ line: 3, column: 5 });
  });

  it("is nowhere when the traceback names no frame of the file", () => {
    expect(pythonErrorAt(null, "x")).toBeNull();
    expect(pythonErrorAt('  File "other.py", line 2\nValueError: x', "x")).toBeNull();
  });
});
