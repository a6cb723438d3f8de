/**
 * A one-line notice at the top of the embedded playground, outside the App: what the host did, and
 * the question when it wants to replace the learner's code. Plain DOM (it must work before and
 * around the Solid tree), and inside the frame, so only the learner can press its buttons.
 */
export interface EmbedBar {
  show(kind: "info" | "warn", text: string): void;
  ask(text: string, choices: { label: string; run(): void }[]): void;
  clear(): void;
  /** A question is on screen (a later notice must not hide it). */
  asking(): boolean;
}

export function createBar(parent: HTMLElement): EmbedBar {
  const el = document.createElement("div");
  el.className = "embed-bar";
  el.dataset.testid = "embed-bar";
  el.hidden = true;
  parent.prepend(el);
  const set = (kind: string, text: string, role: "status" | "alertdialog") => {
    el.textContent = "";
    el.hidden = false;
    el.className = `embed-bar ${kind}`;
    el.setAttribute("role", role);
    const p = document.createElement("span");
    p.textContent = text;
    el.append(p);
  };
  return {
    show(kind, text) {
      set(kind, text, "status");
    },
    ask(text, choices) {
      set("ask", text, "alertdialog");
      for (const c of choices) {
        const b = document.createElement("button");
        b.className = "btn small";
        b.textContent = c.label;
        b.addEventListener("click", (e) => {
          if (!e.isTrusted) return; // a script's click is not the learner's answer
          el.hidden = true;
          c.run();
        });
        el.append(b);
      }
    },
    clear() {
      el.hidden = true;
      el.textContent = "";
    },
    asking: () => !el.hidden && el.classList.contains("ask"),
  };
}
