"""Celery's names for a scenario in the playground, driving the same simulator as the TypeScript API.

This static package holds what every process shares (exceptions, states). The names bound to a
process (``Celery``, ``chain``, ``group``...) come from ``celery._process.make_module``: the runtime
puts that process's module in ``sys.modules["celery"]`` while the scenario's top level runs, so
``from celery import Celery`` at the top of a scenario gets the process's own.
"""
from . import states
from .exceptions import *  # noqa: F401,F403


def __getattr__(name):
    if name.startswith("_"):  # submodules being imported, dunders looked up
        raise AttributeError(name)
    raise ImportError(
        f"cannot import {name!r} from 'celery' here: import celery's names at the top of the scenario"
    )
