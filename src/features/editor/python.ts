/**
 * Python in the editor, a chunk of its own loaded when a scenario's language is Python: highlighting
 * and indentation from @codemirror/lang-python, and a lint of syntax errors from the same parser
 * (Lezer marks what it cannot parse with error nodes), so a typo is marked as it is typed, before a
 * run. Errors Python itself reports at run time come from the run (playground.ts, python-error.ts).
 */
import { python } from "@codemirror/lang-python";
import { syntaxTree, ensureSyntaxTree } from "@codemirror/language";
import { linter, type Diagnostic } from "@codemirror/lint";
import type { EditorState, Extension } from "@codemirror/state";

/** At most this many markers: after the first error the parser's recovery often cascades. */
const MAX_MARKERS = 5;

/** Syntax errors of the Python text in `state` (its language must be Python), one marker per spot. */
export function pythonSyntaxErrors(state: EditorState): Diagnostic[] {
  const tree = ensureSyntaxTree(state, state.doc.length, 1000) ?? syntaxTree(state);
  const out: Diagnostic[] = [];
  tree.iterate({
    enter(node) {
      if (!node.type.isError || out.length >= MAX_MARKERS) return;
      // An error node is often empty (a missing token): mark the character there, or the line's end.
      const line = state.doc.lineAt(node.from);
      const from = node.from;
      const to = node.to > from ? node.to : Math.min(line.to, from + 1);
      if (out.some((d) => d.from === from)) return;
      out.push({ from, to: Math.max(to, from), severity: "error", message: "Syntax error", source: "python" });
    },
  });
  return out;
}

/**
 * `alsoShow`: markers from elsewhere (a run's Python error) that the lint must keep, since a lint pass
 * replaces every marker of the editor: without them, a run that ended within the lint's delay after
 * an edit had its error marker wiped by the lint.
 */
export function pythonSupport(alsoShow: (state: EditorState) => Diagnostic[] = () => []): Extension {
  return [python(), linter((view) => [...alsoShow(view.state), ...pythonSyntaxErrors(view.state)], { delay: 300 })];
}
