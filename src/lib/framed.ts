/**
 * The full app refuses to run inside another page's frame (clickjacking: a page could overlay the
 * editor and Run button, or drive the app through it). A static site cannot send
 * `X-Frame-Options` or a CSP `frame-ancestors` header, and `frame-ancestors` is ignored in a
 * `<meta>` CSP, so the page checks for itself: framed and not on the embed route (`?embed=1`, made to
 * be framed, with its own rules in src/embed) → a notice with a link that opens the app in its own
 * tab, instead of the app. Nothing else of the app is loaded.
 */
export function isFramed(): boolean {
  try {
    return window.top !== window.self;
  } catch {
    return true; // a cross-origin top can make even the comparison throw in some browsers
  }
}

export function showFramedNotice(root: HTMLElement): void {
  root.textContent = "";
  const box = document.createElement("div");
  box.className = "framed-notice";
  box.setAttribute("role", "alert");
  box.dataset.testid = "framed-notice";
  const p = document.createElement("p");
  p.textContent = "The Celery Playground does not run inside another page. Course pages can embed a lab with the embed route (?embed=1).";
  const a = document.createElement("a");
  a.href = location.href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.textContent = "Open the playground in its own tab";
  box.append(p, a);
  root.append(box);
}
