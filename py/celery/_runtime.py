"""Runs a Python scenario's module for one simulated process (called by sim/python/program.ts).

Inside a scenario ``time.sleep``, ``time.time``, ``time.monotonic``, ``random`` and
``datetime.now()`` belong to the simulation, as ``Math.random``, ``Date`` and ``sleep`` do in a TypeScript one: ``random`` draws from
the same seeded stream as the TypeScript ``Math.random``, so the same scenario in either language
makes the same draws. ``import threading`` gives Python's module with the simulation's ``Thread``
(_threading.py), bound to the process as ``celery`` and ``redis`` are.
"""
import datetime as _datetime
import random
import sys
import time
import types

from pyodide.ffi import create_proxy

from . import _extend, _process, _redis, _threading


class _SimRandom(random.Random):
    """Python's random API on the simulation's stream (``Math.random`` of the scenario globals)."""

    def __init__(self, draw):
        self._draw = draw
        super().__init__(0)

    def random(self):
        return float(self._draw())

    def getrandbits(self, k):
        bits, n = 0, 0
        while n < k:
            bits = (bits << 32) | int(self._draw() * 4294967296)
            n += 32
        return bits >> (n - k)

    def seed(self, *args, **kwargs):  # the simulation's seed decides
        pass


_RANDOM_NAMES = ("random", "uniform", "randint", "randrange", "choice", "choices", "sample", "shuffle",
                 "gauss", "normalvariate", "expovariate", "triangular", "betavariate", "getrandbits")


def _make_datetime_module():
    """``datetime`` with ``datetime.now()``/``utcnow()``/``today()`` and ``date.today()`` on the
    simulated clock (``time.time()``, the simulated ``Date``); the rest is Python's own."""
    mod = types.ModuleType("datetime", _datetime.__doc__)
    mod.__dict__.update({k: v for k, v in vars(_datetime).items() if not k.startswith("__")})

    class datetime(_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls.fromtimestamp(time.time(), tz)

        @classmethod
        def utcnow(cls):
            return cls.fromtimestamp(time.time(), _datetime.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls):
            return cls.fromtimestamp(time.time())

    class date(_datetime.date):
        @classmethod
        def today(cls):
            return cls.fromtimestamp(time.time())

    for cls in (datetime, date):
        cls.__module__ = "datetime"
    mod.datetime, mod.date = datetime, date
    return mod


def _install_sim_world(globals_, helpers, bridge):
    inst = _SimRandom(globals_.Math.random)
    for name in _RANDOM_NAMES:
        setattr(random, name, getattr(inst, name))
    time.time = lambda: globals_.Date.now() / 1000
    time.monotonic = time.perf_counter = lambda: float(helpers.now())
    time.sleep = lambda seconds: bridge.wait(helpers.sleep(seconds))


def run_module(source, filename, js_celery, js_module, globals_, helpers):
    """Execute the scenario in a fresh namespace with this process's ``celery``; export main/until.

    Returns None, or the JavaScript error its top level raised."""
    mod = _extend.extend_module(_process.make_module(js_celery, helpers), js_celery)
    bridge = mod._bridge
    _install_sim_world(globals_, helpers, bridge)
    saved = {name: sys.modules.get(name) for name in ("celery", "celery.signals", "redis", "threading", "datetime")}
    sys.modules["celery"] = mod
    sys.modules["celery.signals"] = mod.signals
    sys.modules["redis"] = _redis.make_redis_module(js_celery, bridge)
    sys.modules["threading"] = _threading.make_threading_module(bridge, helpers)
    sys.modules["datetime"] = _make_datetime_module()
    ns = {"__name__": "scenario", "__file__": filename}  # not __main__: every process imports it
    bridge.names = ns
    try:
        exec(compile(source, filename, "exec"), ns)
    except BaseException as e:  # noqa: BLE001 (the session reports it)
        return bridge.to_js_error(e)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    exports = js_module.exports
    main = ns.get("main")
    if callable(main):
        exports.default = helpers.main(create_proxy(lambda: bridge.outcome(main)))
    until = ns.get("until")
    if isinstance(until, (int, float)):
        exports.until = until
    return None
