"""Celery's Python names for the simulator's objects a scenario handles besides tasks and results:
the task ``request`` (snake_case: ``self.request.delivery_info["routing_key"]``), a started worker
(``w.shutdown()``, ``w.concurrency``, ``w.pool``), the simulated CPU (``cpu(seconds)``), and what a
signal receiver is handed (the task as ``sender``/``task``, an error as the Python exception).
"""
from ._process import camel, to_py_value, to_js_value
from ._signals import make_signals_module


class Worker:
    """What ``app.worker(...)`` returns: the simulator's handle on a started worker, under Celery's
    names. ``shutdown()`` (warm: running tasks finish), ``kill()``, ``restart()``, ``ready()`` (waits
    until it consumes), ``hostname``, ``status``, ``concurrency``, ``pool`` (its pool's name:
    "prefork", "threads", "solo"...), ``pool_grow(n)``, ``pool_shrink(n)``, ``add_consumer(queue)``."""

    def __init__(self, js, bridge):
        object.__setattr__(self, "_js", js)
        object.__setattr__(self, "_b", bridge)

    @property
    def pool(self):
        return str(self._js._w.pool)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        v = getattr(self._js, camel(name))
        if not callable(v):
            return to_py_value(v)

        def method(*args):
            out = self._b.call(v, *[to_js_value(a) for a in args])
            if hasattr(out, "then") and callable(out.then):
                out = self._b.wait(out)
            return to_py_value(out)

        return method

    def __repr__(self):
        return f"<Worker: {self.hostname} ({self.status})>"


def make_cpu(js_module, bridge):
    def cpu(seconds):
        """Burn ``seconds`` of CPU on the core of the process running this code (a pool child's),
        shared with everything else burning CPU on that host, as a pure-Python loop would;
        ``time.sleep`` waits without a core (I/O). Waits in place until the work is done."""
        bridge.wait(bridge.call(js_module.cpu, seconds))

    return cpu



def extend_module(mod, js_module):
    """Add to a process's ``celery`` module (``_process.make_module``) what this file holds:
    ``cpu``, ``celery.signals`` (``mod.signals``), and apps whose ``worker(...)`` gives a ``Worker``
    and whose signals this process's receivers hear."""
    bridge = mod._bridge
    signals = make_signals_module(bridge)
    base = mod.Celery

    class Celery(base):
        __doc__ = base.__doc__

        def __init__(self, *args, **options):
            super().__init__(*args, **options)
            signals._hub.add_app(self._js)

        def worker(self, **options):
            return Worker(super().worker(**options), bridge)

    Celery.__name__ = Celery.__qualname__ = "Celery"
    mod.__dict__.update(Celery=Celery, cpu=make_cpu(js_module, bridge), signals=signals)
    return mod
