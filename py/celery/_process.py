"""The names a scenario imports from ``celery``, bound to one simulated process: each wraps the
TypeScript module object the session built for that process (sim/celery/api.ts) through Pyodide's
JS FFI, so a Python scenario drives the same simulator, with one trace and one report.

Celery's names and signatures, snake_case; the simulator's options are camelCase, converted here.
"""
import builtins
import inspect
import os
import traceback
import types

from pyodide.ffi import JsException, create_proxy, jsnull, to_js, run_sync
from js import Object

from . import states
from .exceptions import BY_NAME, Retry
from ._request import Request


_PACKAGE_DIR = os.path.dirname(__file__)


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def to_js_value(v):
    """Plain Python data as plain JavaScript data (dicts as objects); proxies as their object."""
    if isinstance(v, (_Signature, _AsyncResult, _TaskProxy)):
        return v._js
    if isinstance(v, (list, tuple)):
        return to_js([to_js_value(x) for x in v], dict_converter=Object.fromEntries)
    if isinstance(v, dict):
        return to_js({k: to_js_value(x) for k, x in v.items()}, dict_converter=Object.fromEntries)
    return v


def to_py_value(v):
    return v.to_py() if hasattr(v, "to_py") else v


class _AttrDict(dict):
    """A task argument that was a plain JavaScript object: a dict that also reads as attributes,
    as the ``request`` an errback receives does in Celery (``request.id``, ``request.task``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def task_args(js_args):
    return [_AttrDict(a) if type(a) is dict else a for a in to_py_value(js_args)]


# Settings whose value is itself a mapping of settings (Celery's ``visibility_timeout`` inside
# ``broker_transport_options``): their keys are camelCased too. Others (``task_routes``, keyed by
# task names) keep their keys as written.
_NESTED_SETTINGS = ("broker_transport_options", "result_backend_transport_options")


def js_options(opts):
    def value(k, v):
        return {camel(kk): vv for kk, vv in v.items()} if k in _NESTED_SETTINGS and isinstance(v, dict) else v

    return to_js_value({camel(k): value(k, v) for k, v in opts.items() if v is not None})


class Bridge:
    """What the session's TypeScript side hands each process (sim/python/program.ts)."""

    def __init__(self, helpers):
        self.helpers = helpers
        # Python exceptions handed to the simulator, by the number their JS error carries: one that
        # comes back (retry past max_retries re-raises exc) is raised again as itself.
        self.handed = {}
        # The scenario module's namespace in this process (run_module sets it): its exception classes.
        self.names = {}

    def to_js_error(self, e):
        js = getattr(e, "_js", None)
        if js is not None:
            return js
        # Reject and Ignore steer the worker (requeue, dead-letter, no state): the simulator knows
        # them by their own classes, so they cross as those, not as errors of that name.
        if isinstance(e, BY_NAME["Reject"]):
            return self.module.Reject.new(e.reason, bool(e.requeue))
        if isinstance(e, BY_NAME["Ignore"]):
            return self.module.Ignore.new(str(e))
        # The learner's frames only: the package's own (the bridge, the runtime's exec) are noise.
        te = traceback.TracebackException.from_exception(e)
        te.stack = traceback.StackSummary.from_list([f for f in te.stack if not f.filename.startswith(_PACKAGE_DIR)])
        tb = "".join(te.format())
        self.handed[id(e)] = e
        return self.helpers.error(type(e).__name__, str(e), tb, id(e))

    def raise_from_js(self, e):
        """A simulator error as the Python exception it stands for (the original one, if it was)."""
        err = e.js_error
        original = self.handed.get(getattr(err, "pyId", None))
        if original is not None:
            raise original
        cls = self.exception_class(str(err.name))
        exc = cls(err.message)
        exc._js = err
        raise exc from None

    def exception_class(self, name):
        """The class an error's name stands for: Celery's, the scenario's own, a builtin, or a new one."""
        for where in (BY_NAME, self.names, vars(builtins)):
            cls = where.get(name)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                return cls
        return type(name, (Exception,), {})

    def call(self, fn, *args):
        try:
            return fn(*args)
        except JsException as e:
            self.raise_from_js(e)

    def wait(self, promise):
        """A simulator promise waited for in place: Pyodide's JSPI (Chromium), as sync Celery code does."""
        if not self.helpers.jspi:
            raise RuntimeError("waiting in place (time.sleep, result.get) needs JSPI: run this scenario in the page (Chromium)")
        try:
            return run_sync(promise)
        except JsException as e:
            self.raise_from_js(e)

    def outcome(self, fn, *args):
        """Call Python code for the simulator: {ok, value} or {ok: false, error} (a JS error)."""
        try:
            return to_js({"ok": True, "value": to_js_value(fn(*args))}, dict_converter=Object.fromEntries)
        except BaseException as e:  # noqa: BLE001 (every error goes to the simulator)
            return to_js({"ok": False, "error": self.to_js_error(e)}, dict_converter=Object.fromEntries)


_bridge = None  # the current process's (set by make_module; the proxies keep their own)


class _AsyncResult:
    def __init__(self, js, bridge):
        self._js = js
        self._b = bridge

    id = property(lambda self: self._js.id)
    task_id = id
    state = property(lambda self: self._js.state)
    status = state
    result = property(lambda self: to_py_value(self._js.result))

    def ready(self):
        return self.state in states.READY_STATES

    def successful(self):
        return self.state == states.SUCCESS

    def failed(self):
        return self.state == states.FAILURE

    def get(self, timeout=None, propagate=True, interval=None, disable_sync_subtasks=True):
        opts = js_options({"timeout": timeout, "propagate": propagate, "disable_sync_subtasks": disable_sync_subtasks})
        return to_py_value(self._b.wait(self._js.get(opts)))

    def __repr__(self):
        return f"<AsyncResult: {self.id}>"


class _Signature:
    def __init__(self, js, bridge):
        self._js = js
        self._b = bridge

    def delay(self, *args, **kwargs):
        return self.apply_async(args, kwargs)

    def apply_async(self, args=(), kwargs=None, **options):
        opts = {**({"kwargs": kwargs} if kwargs else {}), **options}
        return _AsyncResult(self._b.call(self._js.applyAsync, to_js_value(list(args or ())), js_options(opts)), self._b)

    def set(self, **options):
        self._b.call(self._js.set, js_options(options))
        return self

    def link(self, callback):
        self._b.call(self._js.link, to_js_value(callback))
        return callback

    def link_error(self, errback):
        self._b.call(self._js.linkError, to_js_value(errback))
        return errback

    def __or__(self, other):
        return _Signature(self._b.call(self._b.module.chain, self._js, to_js_value(other)), self._b)

    def __repr__(self):
        return str(self._js.toString())


class _Task:
    """``self`` in a bound task: the simulator's task object, with Celery's names."""

    def __init__(self, js, bridge):
        self._js = js
        self._b = bridge

    @property
    def request(self):
        return Request(self._js.request)

    name = property(lambda self: self._js.name)
    max_retries = property(lambda self: self._js.maxRetries)

    def retry(self, args=None, kwargs=None, exc=None, countdown=None, eta=None, max_retries=None, queue=None, **_):
        opts = {"countdown": countdown, "eta": eta, "queue": queue, "args": args, "kwargs": kwargs}
        js = js_options(opts)
        if max_retries is not None:
            js.maxRetries = max_retries
        if exc is not None:
            js.exc = self._b.to_js_error(exc)
        self._b.call(self._js.retry, js)

    def update_state(self, state=None, meta=None, task_id=None):
        self._b.call(self._js.updateState, js_options({"state": state, "meta": meta, "task_id": task_id}))


class _TaskProxy:
    """What ``@app.task`` returns: call it to run the body here, ``delay`` to send it."""

    def __init__(self, js, fn, bridge):
        self._js = js
        self._fn = fn
        self._b = bridge
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    name = property(lambda self: self._js.name)

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def delay(self, *args, **kwargs):
        return self.apply_async(args, kwargs)

    def apply_async(self, args=(), kwargs=None, **options):
        opts = {**({"kwargs": kwargs} if kwargs else {}), **options}
        js = self._b.call(self._js.applyAsync, to_js_value(list(args or ())), js_options(opts))
        return _AsyncResult(js, self._b)

    def apply(self, args=(), kwargs=None, **options):
        """Run the task here and now (Celery's eager call): an EagerResult, ``get()`` gives its value."""
        opts = {**({"kwargs": kwargs} if kwargs else {}), **options}
        return _AsyncResult(self._b.call(self._js.apply, to_js_value(list(args or ())), js_options(opts)), self._b)

    def run(self, *args, **kwargs):
        """The task's own function, with no request, state or hooks (Celery's ``Task.run``)."""
        return self._fn(*args, **kwargs)

    def s(self, *args, **kwargs):
        return _Signature(self._b.call(self._js.signature, to_js_value(list(args)), js_options({"kwargs": kwargs or None})), self._b)

    def si(self, *args, **kwargs):
        return _Signature(self._b.call(self._js.signature, to_js_value(list(args)), js_options({"kwargs": kwargs or None, "immutable": True})), self._b)

    def signature(self, args=(), kwargs=None, immutable=False, **options):
        return _Signature(self._b.call(self._js.signature, to_js_value(list(args)), js_options({"kwargs": kwargs, "immutable": immutable, **options})), self._b)


class _JsFacade:
    """A simulator object under Celery's snake_case names (``app.broker.queue_length("billing")``):
    arguments cross as JavaScript values, and a method that gives a promise is waited for in place."""

    def __init__(self, js, bridge):
        object.__setattr__(self, "_js", js)
        object.__setattr__(self, "_b", bridge)

    def __getattr__(self, name):
        v = getattr(self._js, camel(name))
        if not callable(v):
            return to_py_value(v)

        def method(*args, **kwargs):
            js_args = [to_js_value(a) for a in args] + ([js_options(kwargs)] if kwargs else [])
            out = self._b.call(v, *js_args)
            if hasattr(out, "then") and callable(out.then):
                out = self._b.wait(out)
            return to_py_value(out)

        return method


class _Events:
    def __init__(self, js, bridge):
        self._js = js
        self._b = bridge

    def on(self, event_type, handler):
        """Call ``handler(event)`` for each event of ``event_type`` ("*" for all); returns a function
        that stops it."""
        proxy = create_proxy(lambda ev: handler(_AttrDict(to_py_value(ev))))
        off = self._b.call(self._js.on, event_type, proxy)
        return lambda: off()


class _Conf:
    def __init__(self, js, bridge):
        object.__setattr__(self, "_js", js)
        object.__setattr__(self, "_b", bridge)

    def update(self, mapping=None, **settings):
        self._b.call(self._js.update, js_options({**(mapping or {}), **settings}))

    def __setattr__(self, name, value):
        self.update({name: value})

    def __getattr__(self, name):
        return to_py_value(getattr(self._js, camel(name)))


def make_module(js_module, helpers):
    """A fresh ``celery`` module for one process, bound to that process's TypeScript module."""
    b = Bridge(helpers)
    b.module = js_module
    mod = types.ModuleType("celery", "Celery's names, bound to one simulated process")

    class Celery:
        def __init__(self, main="app", broker=None, backend=None, **options):
            opts = js_options({"broker": broker, "backend": backend, **options})
            self._js = b.call(js_module.Celery.new, main, opts)
            self.conf = _Conf(self._js.conf, b)
            self.main = main

        def task(self, *args, **opts):
            if len(args) == 1 and callable(args[0]) and not opts:
                return self._register(args[0], {})
            return lambda fn: self._register(fn, dict(opts))

        def _register(self, fn, opts):
            bind = opts.pop("bind", False)
            autoretry_for = tuple(opts.pop("autoretry_for", ()))
            retry_kwargs = dict(opts.pop("retry_kwargs", {}) or {})
            name = opts.pop("name", fn.__name__)
            # max_retries=None means "retry for ever" (not "the default"): it crosses as null.
            if "max_retries" in opts and opts["max_retries"] is None:
                opts["max_retries"] = jsnull

            def body(js_self, js_args):
                task = _Task(js_self, b)
                args = task_args(js_args)
                try:
                    return fn(task, *args) if bind else fn(*args)
                except Retry:
                    raise
                except autoretry_for as exc:
                    task.retry(exc=exc, **retry_kwargs)

            call = create_proxy(lambda js_self, js_args: b.outcome(body, js_self, js_args))
            # The body's own parameters (less ``self``): the simulator reads a task's arity, as
            # Celery does, to call an errback taking (request, exc, traceback) inline.
            params = [p for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            arity = len(params) - (1 if bind else 0)
            js_opts = js_options({**opts, "name": name, "bind": True})
            return _TaskProxy(b.call(self._js.task, js_opts, helpers.task(call, arity)), fn, b)

        def worker(self, **options):
            return b.call(self._js.worker, js_options(options))

        def AsyncResult(self, task_id):
            return _AsyncResult(b.call(self._js.AsyncResult, task_id), b)

        def send_task(self, name, args=(), kwargs=None, **options):
            return self.signature(name, args, kwargs, **options).apply_async()

        def signature(self, name, args=(), kwargs=None, **options):
            opts = js_options({"args": list(args), "kwargs": kwargs, "options": options or None})
            return _Signature(b.call(self._js.signature, name, opts), b)

        @property
        def control(self):
            return self._js.control

        @property
        def events(self):
            """The app's event stream as a receiver sees it: ``app.events.on("task-succeeded", handler)``;
            a handler gets the event as a dict that also reads as attributes (``e.uuid``, ``e.timestamp``)."""
            return _Events(self._js.events, b)

        @property
        def broker(self):
            """The simulated broker, as the queues view reads it (``queue_length(name)``)."""
            return _JsFacade(self._js.broker, b)

    def sigs(items):
        """Signatures given one by one, or as one iterable (a list, a generator), as Celery takes them."""
        out = []
        for x in items:
            out.extend([x] if isinstance(x, (_Signature, _TaskProxy)) else list(x))
        return [to_js_value(s) for s in out]

    def chain(*tasks):
        return _Signature(b.call(js_module.chain, *sigs(tasks)), b)

    def group(*tasks):
        return _Signature(b.call(js_module.group, *sigs(tasks)), b)

    class chord:
        def __init__(self, header, body=None):
            self.header = header if isinstance(header, _Signature) else group(*header)
            self.body = body

        def __call__(self, body=None, **options):
            sig = _Signature(b.call(js_module.chord, self.header._js, (body or self.body)._js), b)
            return sig.apply_async(**options)

        def delay(self):
            return self()

        def apply_async(self, **options):
            return self(**options)

    def signature(name, args=(), kwargs=None, **options):
        opts = js_options({"args": list(args), "kwargs": kwargs, "options": options or None})
        return _Signature(b.call(js_module.signature, name, opts), b)

    from . import exceptions

    mod.__dict__.update(
        Celery=Celery, chain=chain, group=group, chord=chord, signature=signature,
        states=states, exceptions=exceptions, Task=_Task, AsyncResult=_AsyncResult,
        Signature=_Signature, **BY_NAME,
    )
    mod.__path__ = []  # a package: celery.exceptions and celery.states import from the static one
    mod._bridge = b
    return mod
