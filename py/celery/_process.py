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

from pyodide.ffi import JsException, can_run_sync, create_proxy, jsnull, to_js, run_sync
from js import Error as JsError, Object

from . import states
from .exceptions import BY_NAME, Retry
from ._request import Request, _snake


_PACKAGE_DIR = os.path.dirname(__file__)


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def to_js_value(v):
    """Plain Python data as plain JavaScript data (dicts as objects); proxies as their object."""
    if isinstance(v, (_Signature, _AsyncResult, _TaskBase, _JsHandle)):
        return v._js
    if isinstance(v, (list, tuple)):
        return to_js([to_js_value(x) for x in v], dict_converter=Object.fromEntries)
    if isinstance(v, dict):
        return to_js({k: to_js_value(x) for k, x in v.items()}, dict_converter=Object.fromEntries)
    return v


def to_py_value(v):
    if v is jsnull:
        return None
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


def call_args(js_self, js_args, bridge):
    """A body's positional and keyword arguments: the simulator hands the request's kwargs as one
    more positional argument (sim/celery/tracer.ts bodyArgs), Python takes them as keywords.
    Arguments that are the request's own (the usual call) are converted once per process
    (Bridge.py_args: the task_prerun and task_postrun receivers get the same)."""
    req = js_self.request
    n = req.args.length
    if bridge.helpers.startsWith(js_args, req.args):
        args = [_AttrDict(a) if type(a) is dict else a for a in bridge.py_args(req.args)] + task_args(js_args.slice(n))
    else:
        args = task_args(js_args)
    kwargs = to_py_value(req.kwargs) or {}
    if kwargs and len(args) == len(req.args) + 1 and isinstance(args[-1], dict):
        return args[:-1], dict(kwargs)
    return args, {}


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
        # The last few argument lists converted, by their JavaScript array (py_args).
        self._args_seen = []
        # The running flow's Sim.lateFlow when it was started late (a signal receiver), else None.
        self.flow = None
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

    def from_js_error(self, err):
        """A simulator error as the Python exception it stands for (the original one, if it was)."""
        original = self.handed.get(getattr(err, "pyId", None))
        if original is not None:
            return original
        cls = self.exception_class(str(err.name))
        exc = cls(err.message)
        exc._js = err
        return exc

    def raise_from_js(self, e):
        exc = self.from_js_error(e.js_error)
        if getattr(exc, "_js", None) is e.js_error:
            raise exc from None
        raise exc

    def exception_class(self, name):
        """The class an error's name stands for: Celery's, the scenario's own, a builtin, or a new one."""
        for where in (BY_NAME, self.names, vars(builtins)):
            cls = where.get(name)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                return cls
        return type(name, (Exception,), {})

    def py_args(self, js):
        """A task's args as a Python list, each element converted once per process: task_prerun and
        task_postrun get the same JavaScript array, as Celery's receivers get the same request args
        (converting a 100 kB argument twice was most of a payload lab's run). A fresh list each time;
        its elements are shared, as in Celery's process."""
        js_id = getattr(js, "js_id", None)
        if js_id is None:
            return to_py_value(js)
        for seen_id, proxy, items in self._args_seen:
            if seen_id == js_id:
                return list(items)
        items = to_py_value(js)
        # The proxy is kept so its object lives and its id is not reused while remembered.
        self._args_seen = [(js_id, js, items)] + self._args_seen[:7]
        return list(items)

    def call(self, fn, *args):
        try:
            return fn(*args)
        except JsException as e:
            self.raise_from_js(e)

    def wait(self, promise):
        """A simulator promise waited for in place: Pyodide's JSPI (Chromium), as sync Celery code does."""
        if not self.helpers.jspi:
            raise RuntimeError("waiting in place (time.sleep, result.get) needs JSPI: run this scenario in the page (Chromium)")
        if not can_run_sync():
            raise RuntimeError("cannot wait in place here (time.sleep, result.get, a Redis call): task hooks "
                               "(on_success, on_failure...) run synchronously; wait in the task's body or __call__")
        # A flow started late (a signal receiver, Sim.lateFlow) gives the simulator back while it
        # waits and takes it again when it resumes; other flows have none (self.flow is None).
        flow, self.flow = self.flow, None
        if flow is not None:
            flow.suspend()
        try:
            return run_sync(promise)
        except JsException as e:
            self.raise_from_js(e)
        finally:
            self.flow = flow
            if flow is not None:
                flow.resume()

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
    # The meta of a custom state (PROGRESS), the exception of a failure, the value of a success.
    info = property(lambda self: to_py_value(self._js.info))
    traceback = property(lambda self: to_py_value(self._js.traceback))

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


# Celery's task options a class attribute of a base task may carry (``class MyTask(Task): max_retries = 5``):
# the simulator reads them, so they cross with the registration. Others stay Python attributes.
_TASK_OPTIONS = ("max_retries", "default_retry_delay", "rate_limit", "time_limit", "soft_time_limit",
                 "acks_late", "reject_on_worker_lost", "ignore_result", "queue", "priority", "track_started",
                 "expires", "retry_backoff", "retry_backoff_max", "retry_jitter", "serializer")
# Options handled here in Python, never handed to the simulator.
_PYTHON_OPTIONS = ("base", "bind", "autoretry_for", "retry_kwargs", "name")
# Task.<hook> → the simulator's hook name (sim/celery/task.ts TaskHooks).
_HOOKS = {"before_start": "beforeStart", "on_success": "onSuccess", "on_failure": "onFailure",
          "on_retry": "onRetry", "after_return": "afterReturn"}


def _plain(v):
    """Whether a value crosses to the simulator as plain data (an option it may read)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _plain(x) for k, x in v.items())
    return False


class _ExceptionInfo:
    """Celery's ExceptionInfo as ``on_failure``/``on_retry`` receive it (``einfo.exception``, ``einfo.traceback``)."""

    def __init__(self, exception, traceback_text):
        self.exception = exception
        self.type = type(exception)
        self.traceback = traceback_text

    def __str__(self):
        return self.traceback


def _is_js_error(v):
    return getattr(v, "typeof", None) == "object" and bool(JsError.prototype.isPrototypeOf(v))


def send_through_base(task, js_args):
    """A send the simulator makes for ``task`` (a signature's ``delay()``, a chain's next step, a
    group's member, a chord's body) through its base class's ``apply_async``, as Celery's
    ``Signature.apply_async`` calls the task's. The options keep Celery's names (``group_id``,
    ``parent_id``); the simulator's own objects among them (the chord's body, the chain, the
    signature) stay JavaScript, and cross back as they came when the override calls ``super()``."""
    js_list = js_args[0] if len(js_args) > 0 else None
    js_opts = js_args[1] if len(js_args) > 1 else None
    args = task_args(js_list) if js_list is not None and js_list is not jsnull else []
    kwargs, options = None, {}
    if js_opts is not None and js_opts is not jsnull:
        for key in Object.keys(js_opts):
            v = getattr(js_opts, key)
            if key == "kwargs":
                kwargs = to_py_value(v) or None
            else:
                options[_snake(key)] = v if hasattr(v, "js_id") else to_py_value(v)
    return task.apply_async(args, kwargs, **options)


def call_hook(task, hook, js_self, js_args):
    """Call the task's ``hook`` (``on_failure``...) on the execution's view, with the simulator's
    values as Python ones: an error as the exception it stands for, einfo as an ExceptionInfo."""
    b = task._b

    def value(v):
        if _is_js_error(v):
            return b.from_js_error(v)
        if getattr(v, "typeof", None) == "object" and hasattr(v, "exception") and hasattr(v, "traceback"):
            return _ExceptionInfo(b.from_js_error(v.exception), str(v.traceback))
        return _AttrDict(v) if type(v := to_py_value(v)) is dict else v

    return getattr(task._bound(js_self), hook)(*[value(v) for v in js_args])


class _TaskBase:
    """Celery's ``Task``: what ``@app.task`` returns, and ``self`` in a bound task.

    ``class TrackableTask(Task)`` with hooks (``on_success``, ``on_failure``, ``on_retry``,
    ``after_return``, ``before_start``) or a ``__call__`` wrapping every execution, then
    ``@app.task(base=TrackableTask)``: as in Celery, the task is an instance of a class made from the
    base, the decorator's options its class attributes, one instance per process shared by every
    execution. Each execution sees it through a view whose ``request`` is that execution's: the
    views share the instance's attributes (``self.x = ...`` in ``__call__`` is the task's).
    """

    __slots__ = ("__dict__", "_view")

    def _bound(self, js_view):
        view = object.__new__(type(self))
        view.__dict__ = self.__dict__
        view._view = js_view
        return view

    @property
    def _jsv(self):
        view = getattr(self, "_view", None)
        return view if view is not None else self._js

    @property
    def request(self):
        return Request(self._jsv.request)

    name = property(lambda self: self._js.name)

    @property
    def max_retries(self):
        return to_py_value(self._js.maxRetries)

    # ---- running the body

    def __call__(self, *args, **kwargs):
        """What the worker calls for each execution (and a direct call, ``add(2, 2)``); a base class
        overriding it calls ``super().__call__(*args, **kwargs)`` to run the body."""
        return self.run(*args, **kwargs)

    def run(self, *args, **kwargs):
        """The task's own function (with ``autoretry_for`` applied): no request, state or hooks."""
        fn = self._fn
        try:
            return fn(self, *args, **kwargs) if self._bind else fn(*args, **kwargs)
        except Retry:
            raise
        except self._autoretry_for as exc:
            opts = dict(self._retry_kwargs)
            backoff_s = to_py_value(self._jsv.autoretryBackoffS())  # retry_backoff: Celery's exponential backoff
            if backoff_s is not None:
                opts["countdown"] = backoff_s
            raise self.retry(exc=exc, **opts)

    # ---- hooks (Celery's no-ops; a base class overrides them)

    def before_start(self, task_id, args, kwargs):
        pass

    def on_success(self, retval, task_id, args, kwargs):
        pass

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        pass

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        pass

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        pass

    # ---- inside an execution

    def retry(self, args=None, kwargs=None, exc=None, countdown=None, eta=None, max_retries=None, queue=None, **_):
        opts = {"countdown": countdown, "eta": eta, "queue": queue, "args": args, "kwargs": kwargs}
        js = js_options(opts)
        if max_retries is not None:
            js.maxRetries = max_retries
        if exc is not None:
            js.exc = self._b.to_js_error(exc)
        self._b.call(self._jsv.retry, js)

    def update_state(self, state=None, meta=None, task_id=None):
        self._b.call(self._jsv.updateState, js_options({"state": state, "meta": meta, "task_id": task_id}))

    # ---- sending

    def delay(self, *args, **kwargs):
        return self.apply_async(args, kwargs)

    def apply_async(self, args=(), kwargs=None, **options):
        opts = {**({"kwargs": kwargs} if kwargs else {}), **options}
        # The simulator's own send: the task's, or, when a base class overrides apply_async (the
        # simulator then calls the override: _send_through_base), the one it replaced.
        send = self.__dict__.get("_js_send") or self._js.applyAsync
        js = self._b.call(send, to_js_value(list(args or ())), js_options(opts))
        return _AsyncResult(js, self._b)

    def apply(self, args=(), kwargs=None, **options):
        """Run the task here and now (Celery's eager call): an EagerResult, ``get()`` gives its value."""
        opts = {**({"kwargs": kwargs} if kwargs else {}), **options}
        return _AsyncResult(self._b.call(self._js.apply, to_js_value(list(args or ())), js_options(opts)), self._b)

    def s(self, *args, **kwargs):
        return _Signature(self._b.call(self._js.signature, to_js_value(list(args)), js_options({"kwargs": kwargs or None})), self._b)

    def si(self, *args, **kwargs):
        return _Signature(self._b.call(self._js.signature, to_js_value(list(args)), js_options({"kwargs": kwargs or None, "immutable": True})), self._b)

    def signature(self, args=(), kwargs=None, immutable=False, **options):
        return _Signature(self._b.call(self._js.signature, to_js_value(list(args)), js_options({"kwargs": kwargs, "immutable": immutable, **options})), self._b)

    def __repr__(self):
        return f"<@task: {self.name}>"


class _JsHandle:
    """A simulator object held from Python (``_world.JsObject`` reads it under snake_case names):
    handed back to the simulator, it crosses as its JavaScript object."""

    def __init__(self, js, bridge):
        object.__setattr__(self, "_js", js)
        object.__setattr__(self, "_b", bridge)


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
    # This process's Task: a learner's change to it stays in this process.
    Task = type("Task", (_TaskBase,), {"__module__": "celery", "__doc__": _TaskBase.__doc__})

    class Celery:
        def __init__(self, main="app", broker=None, backend=None, **options):
            opts = js_options({"broker": broker, "backend": backend, **options})
            self._js = b.call(js_module.Celery.new, main, opts)
            self.conf = _Conf(self._js.conf, b)
            self.main = main
            current[0] = self  # current_app: the app this process made last
            self.tasks = {}  # Celery's task registry: name → task (app.tasks["app.tasks.add"])

        def task(self, *args, **opts):
            if len(args) == 1 and callable(args[0]) and not opts:
                return self._register(args[0], {})
            return lambda fn: self._register(fn, dict(opts))

        def _register(self, fn, opts):
            base = opts.pop("base", None) or Task
            if not (isinstance(base, type) and issubclass(base, _TaskBase)):
                raise TypeError(f"base={base!r}: a task's base must be a class extending celery.Task")
            bind = bool(opts.pop("bind", False))
            name = opts.pop("name", None) or fn.__name__
            autoretry_for = tuple(opts.pop("autoretry_for", None) or getattr(base, "autoretry_for", ()) or ())
            retry_kwargs = dict(opts.pop("retry_kwargs", None) or getattr(base, "retry_kwargs", {}) or {})
            # Celery makes a class from the base with the decorator's options as class attributes.
            # Its ``run`` is the task's function, shadowing a base class's ``run`` as in Celery.
            cls = type(fn.__name__, (base,), {"__module__": fn.__module__, "__doc__": fn.__doc__, **opts, "run": _TaskBase.run})
            task = object.__new__(cls)
            task.__dict__.update(_js=None, _b=b, _fn=fn, _bind=bind, _autoretry_for=autoretry_for,
                                 _retry_kwargs=retry_kwargs, app=self, __name__=fn.__name__, __wrapped__=fn)
            task._view = None

            # The simulator's options: the decorator's plain ones and Celery options the base
            # class carries as attributes (``max_retries = 5``); max_retries=None means "retry for
            # ever" (not "the default"): it crosses as null.
            js_opts = {k: getattr(cls, k) for k in _TASK_OPTIONS if any(k in vars(c) for c in cls.__mro__[1:] if c is not _TaskBase)}
            js_opts.update({k: v for k, v in opts.items() if k not in _PYTHON_OPTIONS and _plain(v)})
            forever = "max_retries" in js_opts and js_opts["max_retries"] is None
            js = js_options({**js_opts, "name": name, "bind": True})
            if forever:
                js.maxRetries = jsnull

            def body(js_self, js_args):
                args, kwargs = call_args(js_self, js_args, b)
                return task._bound(js_self)(*args, **kwargs)

            # Hooks the class overrides become the simulator's hooks, called on the execution's view.
            for py_name, js_name in _HOOKS.items():
                if getattr(cls, py_name) is not getattr(_TaskBase, py_name):
                    setattr(js, js_name, helpers.hook(create_proxy(
                        lambda js_self, js_args, py_name=py_name: b.outcome(call_hook, task, py_name, js_self, js_args))))

            call = create_proxy(lambda js_self, js_args: b.outcome(body, js_self, js_args))
            # The body's own parameters (less ``self``): the simulator reads a task's arity, as
            # Celery does, to call an errback taking (request, exc, traceback) inline.
            params = [p for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            arity = len(params) - (1 if bind else 0)
            task._js = b.call(self._js.task, js, helpers.task(call, arity))
            if cls.apply_async is not _TaskBase.apply_async:
                # A base class's apply_async is under every send, as in Celery: the simulator's
                # sends for this task (the canvas, sig.delay()) call it; its super() sends.
                task._js_send = task._js.applyAsync
                task._js.applyAsync = helpers.hook(create_proxy(
                    lambda js_self, js_args: b.outcome(send_through_base, task, js_args)))
            self.tasks[task.name] = task
            return task

        def worker(self, **options):
            return _world.Worker(b.call(self._js.worker, js_options(options)), b)

        def deployment(self, name, replicas, worker=None, termination_grace_period_s=None):
            """N identical worker replicas scaled like Kubernetes pods (``scale(n, reason)``)."""
            opts = {"name": name, "replicas": replicas, "worker": worker, "termination_grace_period_s": termination_grace_period_s}
            return _world.Deployment(b.call(self._js.deployment, _world.js_data(opts)), b)

        def AsyncResult(self, task_id):
            return _AsyncResult(b.call(self._js.AsyncResult, task_id), b)

        def send_task(self, name, args=(), kwargs=None, **options):
            return self.signature(name, args, kwargs, **options).apply_async()

        def signature(self, name, args=(), kwargs=None, **options):
            opts = js_options({"args": list(args), "kwargs": kwargs, "options": options or None})
            return _Signature(b.call(self._js.signature, name, opts), b)

        @property
        def control(self):
            """Remote control: ``app.control.inspect().stats()``, ``app.control.revoke(task_id)``..."""
            return _world.Control(self._js.control, b)

        @property
        def events(self):
            """The app's event stream as a receiver sees it: ``app.events.on("task-succeeded", handler)``;
            a handler gets the event as a dict that also reads as attributes (``e.uuid``, ``e.timestamp``)."""
            return _Events(self._js.events, b)

        @property
        def broker(self):
            """The simulated broker, as the queues view reads it (``queue_length(name)``)."""
            return _world.JsObject(self._js.broker, b)

    def sigs(items):
        """Signatures given one by one, or as one iterable (a list, a generator), as Celery takes them."""
        out = []
        for x in items:
            out.extend([x] if isinstance(x, (_Signature, _TaskBase)) else list(x))
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

    current = [None]

    class _CurrentApp:
        """Celery's ``current_app``: a proxy to the app this process made last."""

        def __getattr__(self, name):
            if current[0] is None:
                raise RuntimeError("current_app: no Celery app made yet in this process")
            return getattr(current[0], name)

    from . import exceptions, _world

    mod.__dict__.update(
        Celery=Celery, chain=chain, group=group, chord=chord, signature=signature,
        states=states, exceptions=exceptions, Task=Task, AsyncResult=_AsyncResult, current_app=_CurrentApp(),
        Signature=_Signature, service=_world.service(js_module, b), **BY_NAME,
    )
    mod.__path__ = []  # a package: celery.exceptions and celery.states import from the static one
    mod._bridge = b
    return mod
