"""``self.request`` (Celery's task Context) under Celery's names, over the simulator's request object.

Kept apart from ``_process`` (which uses it) and free of its imports: the request only converts
names (snake_case here, camelCase in the simulator) and values.
"""
from pyodide.ffi import jsnull


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _py(v):
    if v is jsnull:
        return None
    return v.to_py() if hasattr(v, "to_py") else v


class Request:
    """``id``, ``retries``, ``task``, ``args``, ``kwargs``, ``hostname``, ``delivery_info`` (a dict:
    ``exchange``, ``routing_key``, ``queue``, ``priority``, ``redelivered``), ``eta``, ``expires``,
    ``parent_id``, ``root_id``, ``group``..., and ``get(name, default)``."""

    def __init__(self, js):
        object.__setattr__(self, "_js", js)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        js = object.__getattribute__(self, "_js")
        key = _camel(name)
        if not hasattr(js, key):
            raise AttributeError(f"the task request has no {name!r}")
        value = _py(getattr(js, key))
        if name == "delivery_info" and isinstance(value, dict):
            return {_snake(k): v for k, v in value.items()}
        return value

    def get(self, name, default=None):
        try:
            value = getattr(self, name)
        except AttributeError:
            return default
        return default if value is None else value

    def __repr__(self):
        return f"<Context: {self.id}>"
