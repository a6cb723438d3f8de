/**
 * Everything CodeMirror, in one lazily imported module: the page shows and runs without it, and
 * its ~170 kB gzip load after the first paint.
 */
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from "@codemirror/view";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { bracketMatching, indentOnInput, syntaxHighlighting, HighlightStyle, foldGutter } from "@codemirror/language";
import { javascript, javascriptLanguage } from "@codemirror/lang-javascript";
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { tags as t } from "@lezer/highlight";
import type { Diagnostic } from "../../workers/protocol";
import type { Language } from "../../lib/language";
import { API_NAMES } from "./completions";

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "#c792ea" },
  { tag: [t.string, t.special(t.string)], color: "#c3e88d" },
  { tag: [t.number, t.bool, t.null], color: "#f78c6c" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#8a94a3", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "#82aaff" },
  { tag: [t.typeName, t.className], color: "#ffcb6b" },
  { tag: t.propertyName, color: "#b2ccd6" },
  { tag: [t.operator, t.punctuation], color: "#89ddff" },
  { tag: t.definition(t.variableName), color: "#eeffff" },
]);

const theme = EditorView.theme(
  {
    "&": { height: "100%", fontSize: "13px", backgroundColor: "var(--editor-bg)", color: "#d6deeb" },
    ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.55" },
    ".cm-content": { caretColor: "#82aaff" },
    ".cm-cursor": { borderLeftColor: "#82aaff" },
    ".cm-gutters": { backgroundColor: "var(--editor-bg)", color: "#7d8795", border: "none" },
    ".cm-activeLine": { backgroundColor: "#ffffff08" },
    ".cm-activeLineGutter": { backgroundColor: "#ffffff08", color: "#9aa4b2" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "#2d4f7c !important" },
    ".cm-tooltip": { backgroundColor: "#1c2129", border: "1px solid #2c333d", color: "#d6deeb" },
    ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "#2d4f7c", color: "#fff" },
    ".cm-completionInfo": { maxWidth: "420px" },
    ".cm-diagnostic-error": { borderLeftColor: "#ff5370" },
    ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy #ff5370", textUnderlineOffset: "3px" },
  },
  { dark: true },
);

function apiCompletions(ctx: CompletionContext): CompletionResult | null {
  const word = ctx.matchBefore(/[A-Za-z_$][\w$]*/);
  if (!word || (word.from === word.to && !ctx.explicit)) return null;
  return { from: word.from, options: API_NAMES.map((n) => ({ label: n.label, type: n.type, info: n.info })), validFor: /^[\w$]*$/ };
}

export interface EditorHandle {
  view: EditorView;
  /** Highlighting, lint and completions for this language (Python's support loads on first use). */
  setLanguage(language: Language): Promise<void>;
  setText(text: string): void;
  setDiagnostics(diags: Diagnostic[]): void;
  destroy(): void;
}

/** Character offsets of a 1-based line and column, clamped to the document. */
export function toRange(state: EditorState, d: Diagnostic): { from: number; to: number } {
  const line = state.doc.line(Math.min(Math.max(1, d.line), state.doc.lines));
  const from = Math.min(line.to, line.from + Math.max(0, d.column - 1));
  const to = Math.min(line.to, from + Math.max(1, d.length));
  return { from, to: Math.max(to, from) };
}

/** TypeScript's support: the scenario API's names complete as you type. */
const typescriptSupport: Extension = [javascript({ typescript: true }), javascriptLanguage.data.of({ autocomplete: apiCompletions })];

export function createEditor(parent: HTMLElement, opts: { doc: string; onChange(text: string): void; onRun(): void }): EditorHandle {
  const languageSupport = new Compartment();
  let wanted: Language = "typescript";
  /** The page's markers (compile errors, a run's Python error), kept by Python's lint passes too. */
  let shown: Diagnostic[] = [];
  const pageMarkers = (state: EditorState): CmDiagnostic[] => shown.map((d) => ({ ...toRange(state, d), severity: d.severity, message: d.message, source: d.file.endsWith(".py") ? "python" : "esbuild" }));
  let pythonLint: ((state: EditorState) => CmDiagnostic[]) | null = null;
  const runKeys = keymap.of([
    { key: "Mod-Enter", preventDefault: true, run: () => (opts.onRun(), true) },
  ]);
  const extensions: Extension[] = [
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    lintGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    autocompletion({ activateOnTyping: true }),
    languageSupport.of(typescriptSupport),
    syntaxHighlighting(highlight),
    theme,
    EditorState.tabSize.of(2),
    runKeys,
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
    // An explicit tab stop, so the editor's scroller counts as keyboard-reachable (WCAG 2.1.1). Tab
    // indents inside the editor; Escape then Tab leaves it (CodeMirror's way out of a tab trap).
    EditorView.contentAttributes.of({ "aria-label": "Scenario code (Escape then Tab to leave)", tabindex: "0" }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onChange(u.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc: opts.doc, extensions }) });
  return {
    view,
    async setLanguage(language) {
      wanted = language;
      let support = typescriptSupport;
      if (language === "python") {
        const py = await import("./python");
        pythonLint = py.pythonSyntaxErrors;
        support = py.pythonSupport(pageMarkers);
      }
      // A later choice made while Python's support loaded wins.
      if (wanted !== language) return;
      view.dispatch({ effects: languageSupport.reconfigure(support) });
      view.contentDOM.dataset.language = language;
    },
    setText(text) {
      if (text === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setDiagnostics(diags) {
      shown = diags;
      // In Python the editor's own syntax markers stay beside the page's.
      const own = wanted === "python" && pythonLint ? pythonLint(view.state) : [];
      view.dispatch(setDiagnostics(view.state, [...pageMarkers(view.state), ...own]));
    },
    destroy: () => view.destroy(),
  };
}
