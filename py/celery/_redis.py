"""``import redis`` in a scenario: redis-py's names on the simulated Redis every process shares
(sim/world/redis.ts, the one TypeScript's ``redis`` export talks to).

As a client made with ``decode_responses=True``: values come back as ``str``. Each command waits in
place for the simulated server's reply (JSPI), as a redis-py call blocks. The commands the simulator
has: get, set (ex, px, nx, xx), incr/incrby/decr/decrby (``incr(name, amount=1)``,
``incrby(name, amount=1)``), expire, pexpire,
persist, ttl, pttl, delete, exists, type, keys, flushall, dbsize, lpush, rpush, lpop, rpop, llen,
lrange, zadd (a mapping of member to score), zrem, zcard, zscore, zrange (withscores),
zrangebyscore, zremrangebyscore.
"""
import types

from pyodide.ffi import jsnull

from ._process import to_js_value, to_py_value


class Redis:
    def __init__(self, host="localhost", port=6379, db=0, decode_responses=True, *, _js=None, _bridge=None, **_options):
        self._js = _js
        self._b = _bridge

    @classmethod
    def from_url(cls, url, **options):
        return cls(**options)

    def _run(self, name, *args):
        out = self._b.call(getattr(self._js, name), *[to_js_value(a) for a in args])
        out = to_py_value(self._b.wait(out))
        return None if out is jsnull else out  # a missing key: redis-py's None

    def __getattr__(self, name):
        if name.startswith("_") or not hasattr(self._js, name):
            raise AttributeError(f"the simulated Redis has no command {name!r}")
        return lambda *args: self._run(name, *args)

    def set(self, name, value, ex=None, px=None, nx=False, xx=False):
        opts = {k: v for k, v in {"EX": ex, "PX": px, "NX": nx or None, "XX": xx or None}.items() if v is not None}
        return self._run("set", name, value, opts) == "OK" or None

    def incr(self, name, amount=1):
        return self._run("incrby", name, amount) if amount != 1 else self._run("incr", name)

    def decr(self, name, amount=1):
        return self._run("decrby", name, amount) if amount != 1 else self._run("decr", name)

    def incrby(self, name, amount=1):
        return self._run("incrby", name, amount)

    def decrby(self, name, amount=1):
        return self._run("decrby", name, amount)

    def delete(self, *names):
        return self._run("del", *names)

    def zadd(self, name, mapping):
        return sum(self._run("zadd", name, score, member) for member, score in mapping.items())

    def zrange(self, name, start, end, withscores=False):
        if withscores:
            return [tuple(p) for p in self._run("zrange", name, start, end, {"withScores": True})]
        return self._run("zrange", name, start, end)


def make_redis_module(js_celery, bridge):
    """A ``redis`` module for one process: its clients reach the world's one simulated Redis."""
    mod = types.ModuleType("redis", "redis-py's names on the simulated Redis")

    class ProcessRedis(Redis):
        def __init__(self, *args, **options):
            super().__init__(*args, _js=js_celery.redis, _bridge=bridge, **options)

    def from_url(url, **options):
        return ProcessRedis(**options)

    mod.Redis = ProcessRedis
    mod.StrictRedis = ProcessRedis
    mod.from_url = from_url
    return mod
