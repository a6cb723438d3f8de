"""What a process's ``celery`` module gets besides _process's names: the simulated CPU
(``cpu(seconds)``) and ``celery.signals``, whose receivers this process's apps call (the task as
``sender``/``task``, an error as the Python exception).
"""
from ._signals import make_signals_module


def make_cpu(js_module, bridge):
    def cpu(seconds):
        """Burn ``seconds`` of CPU on the core of the process running this code (a pool child's),
        shared with everything else burning CPU on that host, as a pure-Python loop would;
        ``time.sleep`` waits without a core (I/O). Waits in place until the work is done."""
        bridge.wait(bridge.call(js_module.cpu, seconds))

    return cpu



def extend_module(mod, js_module):
    """Add to a process's ``celery`` module (``_process.make_module``) what this file holds:
    ``cpu``, ``celery.signals`` (``mod.signals``), and apps whose signals this process's receivers
    hear."""
    bridge = mod._bridge
    signals = make_signals_module(bridge)
    base = mod.Celery

    class Celery(base):
        __doc__ = base.__doc__

        def __init__(self, *args, **options):
            super().__init__(*args, **options)
            signals._hub.add_app(self._js)

    Celery.__name__ = Celery.__qualname__ = "Celery"
    mod.__dict__.update(Celery=Celery, cpu=make_cpu(js_module, bridge), signals=signals)
    return mod
