/**
 * Course markdown (the labs' READMEs) rendered with marked, then sanitised with DOMPurify before it
 * reaches innerHTML. Only bundled text reaches it today, but marked passes raw HTML through
 * (`<img onerror>`, `<script>`, `javascript:` links), so one day's imported or fetched lab would
 * otherwise be script in the page. Links open in a new tab so a click never loses the learner's run.
 */
import DOMPurify from "dompurify";
import { marked } from "marked";

marked.use({ gfm: true, breaks: false });

/** Every kept link opens in its own tab, without a handle back on this page. */
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

export function renderMarkdown(md: string): string {
  const html = marked.parse(md, { async: false }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select"] });
}

declare global {
  interface Window {
    /** For the e2e suite (e2e/page-hardening.spec.ts), like window.__playground. */
    __renderMarkdown?: (md: string) => string;
  }
}
window.__renderMarkdown = renderMarkdown;

export function Markdown(props: { text: string; class?: string }) {
  return <div class={`md ${props.class ?? ""}`} innerHTML={renderMarkdown(props.text)} />;
}
