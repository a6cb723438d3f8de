/*!
 * <celery-playground> — embed a Celery Playground lab in any page with one script tag:
 *
 *   <script src="https://YOUR-HOST/path/to/playground/embed.js" defer></script>
 *   <celery-playground lab="1.3-error-handling" height="auto"></celery-playground>
 *
 * The element builds an iframe of the playground (found next to this script, or at `src`), keeps its
 * height in step with the content (height="auto", the default; or a fixed CSS height), and speaks
 * the playground's postMessage API, version 1 (src/embed/protocol.ts is the reference; this file
 * mirrors its host side in plain JS so it loads anywhere without a build).
 *
 * Attributes: lab, height ("auto" | CSS length), allow-origin (comma-separated origins the frame
 * accepts commands from and sends events to; default: this page's origin), src (the playground's
 * URL), seed, speed ("max" or simulated seconds per second), language ("typescript" | "python": the
 * language the lab opens in, where it has Python), loading ("lazy" | "eager").
 * Events (CustomEvent, detail = the message): "celery-playground:<type>" for ready, resize,
 * run-finished, check-passed, lab-completed, progress; and "celery-playground:message" for all.
 * Methods: run(), reset(), setSeed(n), loadScenario(code, seed?, language?), post(type, fields).
 * Code given to loadScenario runs only once the learner presses Run inside the frame: run() and
 * reset() are refused until then (the frame says so), and the learner is asked before their own
 * code is replaced. allow-origin is not a security boundary (the framing page writes it).
 */
(function () {
  "use strict";
  if (typeof window === "undefined" || !window.customElements || customElements.get("celery-playground")) return;

  var SOURCE = "celery-playground";
  var VERSION = 1;
  var OUT_TYPES = ["ready", "resize", "run-finished", "check-passed", "lab-completed", "progress"];
  var IN_TYPES = ["load-scenario", "run", "reset", "set-seed"];
  var script = document.currentScript;
  var DEFAULT_SRC = script && script.src ? new URL("./", script.src).href : new URL("./", location.href).href;
  var MIN_HEIGHT = 320;

  function isObj(v) {
    return typeof v === "object" && v !== null && !Array.isArray(v);
  }
  function isNum(v) {
    return typeof v === "number" && isFinite(v);
  }
  /** The frame's message, minimally checked (the frame is trusted code, but the channel is shared). */
  function valid(d) {
    if (!isObj(d) || d.source !== SOURCE || d.version !== VERSION || OUT_TYPES.indexOf(d.type) < 0) return false;
    if (d.type === "resize") return isNum(d.height) && d.height >= 0 && d.height < 1e6;
    if (d.type === "progress" || d.type === "lab-completed") return typeof d.labId === "string" && isNum(d.score) && d.score >= 0 && d.score <= 1;
    return true;
  }

  class CeleryPlayground extends HTMLElement {
    static get observedAttributes() {
      return ["lab", "src", "allow-origin", "seed", "speed", "height", "language"];
    }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: "open" });
      this._iframe = null;
      this._origin = "";
      this._onMessage = this._onMessage.bind(this);
      /** Every valid message from the frame, in order (hosts and tests may read it). */
      this.messages = [];
    }

    connectedCallback() {
      addEventListener("message", this._onMessage);
      this._build();
    }

    disconnectedCallback() {
      removeEventListener("message", this._onMessage);
    }

    attributeChangedCallback(name, oldV, newV) {
      if (!this._iframe || oldV === newV) return;
      if (name === "height") this._applyHeight(null);
      else this._build();
    }

    /** The iframe's URL: the playground with ?embed=1, the lab, and the allow-list. */
    get frameUrl() {
      var u = new URL(this.getAttribute("src") || DEFAULT_SRC, location.href);
      u.hash = "";
      u.searchParams.set("embed", "1");
      var lab = this.getAttribute("lab");
      if (lab) u.searchParams.set("lab", lab);
      var origins = (this.getAttribute("allow-origin") || location.origin)
        .split(",")
        .map(function (s) {
          return s.trim();
        })
        .filter(Boolean);
      u.searchParams.set("origins", origins.join(","));
      var seed = this.getAttribute("seed");
      if (seed) u.searchParams.set("seed", seed);
      var speed = this.getAttribute("speed");
      if (speed) u.searchParams.set("speed", speed);
      var language = this.getAttribute("language");
      if (language) u.searchParams.set("language", language);
      return u;
    }

    get iframe() {
      return this._iframe;
    }

    _build() {
      var url = this.frameUrl;
      this._origin = url.origin;
      if (location.origin === "null") console.warn("<celery-playground>: this page has no origin (file://?); serve it over http(s) for the frame's events.");
      var f = document.createElement("iframe");
      f.src = url.href;
      f.title = "Celery Playground" + (this.getAttribute("lab") ? " lab " + this.getAttribute("lab") : "");
      f.setAttribute("allow", "clipboard-write");
      f.setAttribute("loading", this.getAttribute("loading") === "lazy" ? "lazy" : "eager");
      f.setAttribute("part", "frame");
      var style = document.createElement("style");
      style.textContent =
        ":host{display:block;width:100%}iframe{display:block;width:100%;border:0;border-radius:6px;background:#0f1216;transition:height .15s ease}";
      this._root.replaceChildren(style, f);
      this._iframe = f;
      this._applyHeight(null);
    }

    _auto() {
      var h = this.getAttribute("height");
      return !h || h === "auto";
    }

    _applyHeight(contentHeight) {
      if (!this._iframe) return;
      if (!this._auto()) {
        var h = this.getAttribute("height");
        this._iframe.style.height = /^\d+$/.test(h) ? h + "px" : h;
      } else if (contentHeight !== null) this._iframe.style.height = Math.max(MIN_HEIGHT, Math.ceil(contentHeight)) + "px";
      else if (!this._iframe.style.height) this._iframe.style.height = "720px";
    }

    _onMessage(e) {
      if (!this._iframe || e.source !== this._iframe.contentWindow || e.origin !== this._origin) return;
      var d = e.data;
      if (!valid(d)) return;
      this.messages.push(d);
      if (d.type === "resize") this._applyHeight(d.height);
      var init = { detail: d, bubbles: true, composed: true };
      this.dispatchEvent(new CustomEvent("celery-playground:" + d.type, init));
      this.dispatchEvent(new CustomEvent("celery-playground:message", init));
    }

    /** Send a command to the frame (only to the playground's origin). */
    post(type, fields) {
      if (IN_TYPES.indexOf(type) < 0) throw new Error("<celery-playground>: unknown command " + type);
      if (!this._iframe || !this._iframe.contentWindow) return;
      var m = { source: SOURCE, version: VERSION, type: type };
      if (fields) for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k) && fields[k] !== undefined) m[k] = fields[k];
      this._iframe.contentWindow.postMessage(m, this._origin);
    }
    run() {
      this.post("run");
    }
    reset() {
      this.post("reset");
    }
    setSeed(seed) {
      this.post("set-seed", { seed: seed });
    }
    loadScenario(code, seed, language) {
      // language: "typescript" (the default) or "python".
      this.post("load-scenario", language === undefined ? { code: code, seed: seed } : { code: code, seed: seed, language: language });
    }
  }

  customElements.define("celery-playground", CeleryPlayground);
})();
