"""``import threading`` in a scenario: a ``Thread`` is a concurrent flow of the simulated process,
as an async function called without ``await`` is in TypeScript.

``start()`` runs the target in the calling process, at the same simulated instant, until it first
waits in place (``time.sleep``, ``result.get()``, a service call); the caller then goes on, and both
resume on the simulated clock. (Pyodide starts the flow on a later host turn: the caller waits in
place for it meanwhile, and ``Sim.hold`` keeps the simulator from moving on.) ``join()`` waits in place for the thread's end. Only one flow runs at a time (the
simulation is single-threaded), so the code between two waits is never interleaved: no lock is
needed for the data the threads share. Everything else (``Lock``, ``Event``'s ``set``/``is_set``)
is Python's own ``threading``; its blocking waits would block the whole simulation, so wait with
``time.sleep`` or ``join``.
"""
import os
import threading as _real
import traceback
import types

from pyodide.ffi import create_proxy

_PACKAGE_DIR = os.path.dirname(__file__)


def _learner_traceback(e):
    """The traceback of ``e`` with the learner's frames only (the package's are noise)."""
    te = traceback.TracebackException.from_exception(e)
    te.stack = traceback.StackSummary.from_list([f for f in te.stack if not f.filename.startswith(_PACKAGE_DIR)])
    return "".join(te.format())


def make_threading_module(bridge, helpers):
    """A ``threading`` module for one process: its threads are flows of that process."""
    mod = types.ModuleType("threading", "Python's threading, with Thread as a concurrent simulated flow")
    counter = [0]

    class Thread:
        def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
            counter[0] += 1
            suffix = f" ({target.__name__})" if name is None and hasattr(target, "__name__") else ""
            self.name = name or f"Thread-{counter[0]}{suffix}"
            self.daemon = bool(daemon)
            self._target = target
            self._args = tuple(args)
            self._kwargs = dict(kwargs or {})
            self._started = False
            self._done = False
            self._end = None  # the promise that settles when the thread ends

        def run(self):
            if self._target is not None:
                self._target(*self._args, **self._kwargs)

        def _bootstrap(self, began):
            began()  # the starter resumes after this flow first waits (Python runs on till then)
            try:
                self.run()
            except BaseException as e:  # noqa: BLE001 (as Python's threading.excepthook: print, go on)
                print(f"Exception in thread {self.name}:\n{_learner_traceback(e)}", end="")
            finally:
                self._done = True

        def start(self):
            if self._started:
                raise RuntimeError("threads can only be started once")
            self._started = True
            if not helpers.jspi:  # no waiting in place: the thread runs to its end now
                helpers.spawn(create_proxy(self._bootstrap))
                return
            release = helpers.hold()
            try:
                flow = helpers.spawn(create_proxy(self._bootstrap))
                self._end = flow.ended
                bridge.wait(flow.started)
            finally:
                release()

        def join(self, timeout=None):
            if not self._started:
                raise RuntimeError("cannot join thread before it is started")
            if self._done:
                return
            if timeout is None:
                bridge.wait(self._end)
            else:
                bridge.wait(helpers.race(self._end, helpers.sleep(max(0.0, float(timeout)))))

        def is_alive(self):
            return self._started and not self._done

        @property
        def ident(self):
            return id(self) if self._started else None

        def __repr__(self):
            status = "started" if self.is_alive() else ("stopped" if self._done else "initial")
            return f"<Thread({self.name}, {status})>"

    for name in dir(_real):
        if not name.startswith("__"):
            setattr(mod, name, getattr(_real, name))
    mod.Thread = Thread
    return mod
