/**
 * Course markdown (the labs' READMEs: our own content, bundled with the app) rendered with marked.
 * Links open in a new tab so a click never loses the learner's run.
 */
import { marked } from "marked";

marked.use({ gfm: true, breaks: false });

export function renderMarkdown(md: string): string {
  const html = marked.parse(md, { async: false }) as string;
  return html.replace(/<a href=/g, '<a target="_blank" rel="noopener" href=');
}

export function Markdown(props: { text: string; class?: string }) {
  return <div class={`md ${props.class ?? ""}`} innerHTML={renderMarkdown(props.text)} />;
}
