/**
 * How a sweep's values reach a scenario, without changing the scenario or the simulator.
 *
 * A compiled scenario is CommonJS text that gets `"celery"` from the `require` the session hands
 * it. `injectParams` wraps that text in one function whose `require` hands out the same module
 * with two changes:
 *
 * - `params`: the point's values (`import { params } from "celery"`), by their keys as written in
 *   the experiment (`params.workers`, `params.killAtS`, `params["conf.taskAcksLate"]`). Outside an
 *   experiment `params` is undefined, so a scenario that should also run on its own writes
 *   `const { workers = 2 } = params ?? {}`.
 * - `Celery`: a subclass that pins every `conf.<key>` value on each app it creates (the scenario's
 *   own `app.conf.update(...)` or `app.conf.x = ...` cannot change a pinned key, so the sweep wins),
 *   and merges every `worker.<opt>` value into each `app.worker({...})` call.
 *
 * The wrapper goes on the compiled text's first line and after its last, and the inline source map
 * stays last, so tracebacks still point at the learner's line.
 * It is plain ES2022 text on purpose: it runs inside the scenario's own `new Function`.
 */
import type { ParamValue } from "./types";

export interface Injection {
  params: Record<string, ParamValue>;
  conf: Record<string, ParamValue>;
  worker: Record<string, ParamValue>;
}

export function splitParams(params: Record<string, ParamValue>): Injection {
  const conf: Record<string, ParamValue> = {};
  const worker: Record<string, ParamValue> = {};
  const plain: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) {
    plain[k] = v;
    if (k.startsWith("conf.")) conf[k.slice(5)] = v;
    else if (k.startsWith("worker.")) worker[k.slice(7)] = v;
  }
  return { params: plain, conf, worker };
}

const FACTORY = `function (req, x) {
  var wrapped = null;
  return function (name) {
    var m = req(name);
    if (name !== "celery") return m;
    if (wrapped) return wrapped;
    var out = {};
    Object.getOwnPropertyNames(m).forEach(function (k) {
      Object.defineProperty(out, k, { get: function () { return m[k]; }, enumerable: true, configurable: true });
    });
    var Base = m.Celery;
    var confKeys = Object.keys(x.conf);
    var workerKeys = Object.keys(x.worker);
    class Celery extends Base {
      constructor(...a) {
        super(...a);
        var conf = this.conf;
        confKeys.forEach(function (k) {
          var v = x.conf[k];
          Object.defineProperty(conf, k, { get: function () { return v; }, set: function () {}, enumerable: true, configurable: true });
        });
        if (confKeys.length) conf.update({});
        if (workerKeys.length) {
          var worker = this.worker;
          this.worker = function (opts) { return worker.call(this, Object.assign({}, opts || {}, x.worker)); };
        }
      }
    }
    Object.defineProperty(out, "Celery", { value: Celery, enumerable: true });
    Object.defineProperty(out, "params", { value: x.params, enumerable: true });
    wrapped = out;
    return out;
  };
}`.replace(/\n\s*/g, " ");

/** The compiled scenario with the point's values injected (see the file comment). */
export function injectParams(code: string, params: Record<string, ParamValue>): string {
  const inj = splitParams(params);
  // JSON.parse of a string literal: the values arrive as fresh plain data in every run.
  const data = `JSON.parse(${JSON.stringify(JSON.stringify(inj))})`;
  // esbuild's inline source map must stay the text's last line (engine/sourcemap.ts looks for it there).
  const map = /\n?\/\/# sourceMappingURL=[^\n]*\s*$/.exec(code);
  const body = map ? code.slice(0, map.index) : code;
  const tail = map ? `\n${map[0].trim()}\n` : "";
  return `(function (require) {${body}\n}).call(this, (${FACTORY})(require, ${data}));${tail}`;
}
