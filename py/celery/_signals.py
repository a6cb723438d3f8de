"""``celery.signals`` for one simulated process: Celery's Python API over the simulator's signals.

``from celery.signals import task_prerun`` then ``@task_prerun.connect`` (or
``task_prerun.connect(fn)``): a receiver gets Celery's keyword arguments (``sender``, ``task_id``,
``task``, ``args``, ``kwargs``, ``retval``, ``state``... and ``signal``), snake_case. As in Celery a
signal belongs to the process that connected it: each process imports the scenario with its own
``celery`` module, hence its own signals, so a receiver connected in ``main()`` (the client's
process) never hears a task run in a worker's pool child.

The simulator keeps signals per app (``app.signals.taskPrerun``): this process's signal hooks one
dispatcher into each app of the process while it has receivers, apps made later included.
"""
import types

from js import Object
from pyodide.ffi import create_proxy

from ._process import camel, to_py_value
from ._request import Request, _snake

# Celery's names (celery/signals.py) of the signals the simulator sends.
NAMES = (
    "before_task_publish", "after_task_publish", "task_received", "task_prerun", "task_postrun",
    "task_success", "task_failure", "task_retry", "task_revoked", "task_rejected", "task_unknown",
    "worker_process_init", "worker_ready", "worker_shutdown",
)


def _same_sender(wanted, sender):
    """``connect(sender=add)``: the task object or its name (the simulator's task stands for it)."""
    if wanted is sender or wanted == sender:
        return True
    name = getattr(wanted, "name", wanted)
    return isinstance(name, str) and name == getattr(sender, "name", sender)


def _lookup_key(receiver, sender, dispatch_uid):
    """Celery's (celery/utils/dispatch/signal.py): the receiver's dispatch_uid or identity, and the sender's."""
    return (dispatch_uid if dispatch_uid is not None else id(receiver), id(sender))


class Signal:
    """One of Celery's signals in this process: ``connect``, ``disconnect``, ``send``."""

    def __init__(self, name, bridge, hub):
        self.name = name
        self._b = bridge
        self._hub = hub
        self.receivers = []  # (lookup key, receiver, sender filter)

    def connect(self, *args, sender=None, weak=True, dispatch_uid=None, **_):
        """``@sig.connect``, ``@sig.connect(sender=...)`` or ``sig.connect(fn)``: returns the receiver.
        As in Celery, a receiver is known by its ``dispatch_uid`` (else itself) and its sender filter:
        connecting the same pair twice keeps one."""
        def register(fn):
            key = _lookup_key(fn, sender, dispatch_uid)
            if not any(k == key for k, _, _ in self.receivers):
                self.receivers.append((key, fn, sender))
            self._hub.changed(self)
            return fn

        if args and callable(args[0]):
            return register(args[0])
        return register

    def disconnect(self, receiver=None, sender=None, dispatch_uid=None):
        """Remove the receiver connected as ``(receiver or dispatch_uid, sender)``; True if it was."""
        key = _lookup_key(receiver, sender, dispatch_uid)
        before = len(self.receivers)
        self.receivers = [r for r in self.receivers if r[0] != key]
        self._hub.changed(self)
        return len(self.receivers) < before

    def send(self, sender, **named):
        """Call every receiver (those filtered on another sender left out): [(receiver, response)].
        A receiver that raises is logged, as Celery's ``Signal.send`` does, and the others still run."""
        responses = []
        for _, receiver, wanted in list(self.receivers):
            if wanted is not None and not _same_sender(wanted, sender):
                continue
            try:
                responses.append((receiver, receiver(signal=self, sender=sender, **named)))
            except Exception as exc:  # noqa: BLE001 (Celery logs a failing receiver and goes on)
                self._hub.log_error(self, exc)
                responses.append((receiver, exc))
        return responses

    def __repr__(self):
        return f"<Signal: {self.name}>"


class TaskView:
    """A task as a signal receiver gets it (``sender``, ``task``): its ``name``, its ``request``,
    other attributes under their snake_case names. Equal to another view of the same task."""

    def __init__(self, js, bridge):
        self._js = js
        self._b = bridge

    name = property(lambda self: str(self._js.name))
    request = property(lambda self: Request(self._js.request))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return to_py_value(getattr(self._js, camel(name)))

    def __eq__(self, other):
        return getattr(other, "name", None) == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"<@task: {self.name}>"


def python_exception(js_error, bridge):
    """A simulator error as the Python exception it stands for (the one the scenario raised, if so)."""
    original = bridge.handed.get(getattr(js_error, "pyId", None))
    if original is not None:
        return original
    exc = bridge.exception_class(str(js_error.name))(str(js_error.message))
    exc._js = js_error
    return exc


# Values that are the simulator's objects, turned into what Celery hands a receiver.
def _named_args(js_args, bridge):
    out = {}
    for key in to_py_value(Object.keys(js_args)):
        v = getattr(js_args, key)
        name = {"taskId": "task_id"}.get(key, _snake(key))
        if name in ("sender", "task") and _is_task(v):
            out[name] = TaskView(v, bridge)
        elif name == "request" and v is not None and not isinstance(v, (str, int, float)):
            out[name] = Request(v)
        elif name in ("exception", "reason", "retval") and _is_error(v):
            out[name] = python_exception(v, bridge)
        elif name == "args":
            out[name] = bridge.py_args(v)
        else:
            out[name] = to_py_value(v)
    return out


def _is_task(v):
    return hasattr(v, "applyAsync") and hasattr(v, "name")


def _is_error(v):
    """A JavaScript Error (a failed task's exception, its postrun retval), not data that has a name."""
    return hasattr(v, "js_id") and str(Object.prototype.toString.call(v)) == "[object Error]"


class _Hub:
    """Hooks this process's signals into its apps: one dispatcher per app and signal while the
    signal has receivers (the simulator builds some signals' arguments only when someone listens)."""

    def __init__(self, bridge):
        self._b = bridge
        self.apps = []
        self.hooked = {}  # (app index, signal name) -> the JS function connected

    def add_app(self, js_app):
        self.apps.append(js_app)
        for sig in self.signals.values():
            self.changed(sig)

    def changed(self, sig):
        for i, js_app in enumerate(self.apps):
            key = (i, sig.name)
            js_signal = getattr(js_app.signals, camel(sig.name))
            if sig.receivers and key not in self.hooked:
                self.hooked[key] = self._dispatcher(sig)
                js_signal.connect(self.hooked[key])
            elif not sig.receivers and key in self.hooked:
                js_signal.disconnect(self.hooked.pop(key))

    def _dispatcher(self, sig):
        b = self._b

        def dispatch(flow, js_args):
            # Started by Pyodide on a later host turn: say so (Bridge.wait hands the flow on).
            if flow is not None:
                b.flow = flow
                flow.begin()
            try:
                named = _named_args(js_args, b)
                sender = named.pop("sender", None)
                named.pop("signal", None)
                sig.send(sender, **named)
            finally:
                if flow is not None:
                    b.flow = None
                    flow.end()

        # Promising under JSPI, so a receiver may wait in place (a Redis call, time.sleep).
        return b.helpers.signal(create_proxy(dispatch))

    def log_error(self, sig, exc):
        text = f"signal {sig.name} raised {exc!r}"
        for js_app in self.apps[:1]:
            js_app._log("error", text, f"signal {sig.name}")
        if not self.apps:
            print(text)


def make_signals_module(bridge):
    """A ``celery.signals`` module for one process (its hub is ``_hub``: apps register with it)."""
    hub = _Hub(bridge)
    mod = types.ModuleType("celery.signals", "Celery's signals, bound to one simulated process")
    hub.signals = {name: Signal(name, bridge, hub) for name in NAMES}
    mod.__dict__.update(hub.signals)
    mod.Signal = Signal
    mod._hub = hub
    return mod
