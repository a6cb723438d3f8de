"""The simulated world's objects under Celery's and Python's snake_case names: the external services
a scenario calls (``service("payments", failure_rate=0.01, outages=[(30, 50)])``), remote control
(``app.control.inspect().stats()``), Deployments of worker replicas (``app.deployment(...)``) and the
worker handles ``app.worker(...)`` returns.

Each wraps the simulator's object (sim/celery/api.ts, control.ts, sim/world/deployment.ts): an
attribute ``pool_grow`` is the object's ``poolGrow``, a method's keyword arguments cross as its
options object (keys camelCased), a promise it returns is waited for in place, and what it returns
comes back as Python data (JavaScript ``null`` as ``None``) or, for another simulator object, wrapped
the same way.
"""
from pyodide.ffi import JsProxy, jsnull

from ._process import _JsHandle, camel, to_js_value


def camel_keys(v):
    """Option keys camelCased at every depth (``{"from_s": 30}`` is the simulator's ``{fromS: 30}``)."""
    if isinstance(v, dict):
        return {camel(k): camel_keys(x) for k, x in v.items() if x is not None}
    if isinstance(v, (list, tuple)):
        return [camel_keys(x) for x in v]
    return v


def js_data(v):
    """Python data as the simulator's JavaScript data, keys camelCased."""
    return to_js_value(camel_keys(v))


def py_data(v, bridge):
    """A simulator value as Python: plain data converted (null as None), objects wrapped."""
    if v is jsnull:
        return None
    if isinstance(v, JsProxy):
        if v.typeof == "function":
            return JsObject(v, bridge)
        converted = v.to_py()
        if isinstance(converted, JsProxy):  # a class instance: an object with methods
            return JsObject(v, bridge)
        return py_data(converted, bridge)
    if isinstance(v, dict):
        return {k: py_data(x, bridge) for k, x in v.items()}
    if isinstance(v, list):
        return [py_data(x, bridge) for x in v]
    return v


class JsObject(_JsHandle):
    """A simulator object under snake_case names (see the module's docstring)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        key = camel(name)
        if not hasattr(self._js, key):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        v = getattr(self._js, key)
        if not (isinstance(v, JsProxy) and v.typeof == "function"):
            return py_data(v, self._b)
        return lambda *args, **kwargs: self._call(v, args, kwargs)

    def _call(self, fn, args, kwargs):
        js_args = [js_data(a) for a in args] + ([js_data(kwargs)] if kwargs else [])
        out = self._b.call(fn, *js_args)
        if callable(getattr(out, "then", None)):  # a promise (Pyodide hands it over as a future)
            out = self._b.wait(out)
        return py_data(out, self._b)

    def __repr__(self):
        return f"<{type(self).__name__} {getattr(self._js, 'name', '')}>".replace(" >", ">")


class Service(JsObject):
    """A simulated downstream API: ``call(payload=None)`` answers after its latency, or raises
    ``ConnectionError`` (a failure, an outage) or ``HttpError`` (its own rate limit)."""


class Deployment(JsObject):
    """N identical worker replicas scaled like Kubernetes pods: ``size``, ``hostnames``, ``pods``,
    ``scale(n, reason)`` (a removed pod gets a warm shutdown, then a kill after the grace period)."""


class Worker(JsObject):
    """A started worker: ``hostname``, ``status``, ``concurrency``, ``pool`` (its pool's name:
    "prefork", "threads", "solo"...), ``ready()``, ``shutdown()`` (warm: running tasks finish),
    ``kill()``, ``restart()``, ``pool_grow(n)``, ``pool_shrink(n)``, ``add_consumer(queue)``..."""

    @property
    def pool(self):
        return str(self._js._w.pool)

    def __repr__(self):
        return f"<Worker: {self.hostname} ({self.status})>"


class Control(JsObject):
    """``app.control``: ``inspect(destination=[...])`` asks the workers, ``ping()``, ``revoke(id)``,
    ``rate_limit(name, rate)``, ``pool_grow(n)``, ``shutdown()``..."""

    def inspect(self, destination=None, timeout=None):
        js = self._b.call(self._js.inspect, js_data({"destination": destination}))
        return Inspect(js, self._b)


class Inspect(JsObject):
    """``app.control.inspect()``: each method answers ``{hostname: reply}`` from the workers that
    answer, or ``None`` when none does (as Celery's): ``ping``, ``stats`` (``[host]["total"]`` counts
    the tasks it has run by name), ``active``, ``reserved``, ``scheduled``, ``registered``,
    ``active_queues``, ``revoked``."""


def service(js_module, bridge):
    """``service(name, latency=0.1, failure_rate=0, outages=[(from_s, to_s)], rate_limit="10/s")``:
    the world's simulated service of that name (created by its first caller, shared by every process)."""

    def make(name, latency=None, failure_rate=None, outages=None, rate_limit=None):
        opts = {"latency": latency, "failure_rate": failure_rate, "rate_limit": rate_limit}
        if outages is not None:
            opts["outages"] = [o if isinstance(o, dict) else {"from_s": o[0], "to_s": o[1]} for o in outages]
        return Service(bridge.call(js_module.service, name, js_data(opts)), bridge)

    return make
