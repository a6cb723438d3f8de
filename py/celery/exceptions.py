"""Exceptions with Celery's class names. One raised by the simulator (a JavaScript error) reaches
Python as the class of the same name, and goes back to the simulator as the error it was."""

__all__ = [
    "CeleryError", "Retry", "Reject", "Ignore", "MaxRetriesExceededError", "SoftTimeLimitExceeded",
    "TimeLimitExceeded", "WorkerLostError", "TaskRevokedError", "ChordError", "TimeoutError",
    "NotRegistered",
]


class CeleryError(Exception):
    pass


class Retry(CeleryError):
    """Raised by ``self.retry()``: the retry is already published."""


class Reject(CeleryError):
    def __init__(self, reason="", requeue=False):
        super().__init__(reason)
        self.reason = reason
        self.requeue = requeue


class Ignore(CeleryError):
    pass


class MaxRetriesExceededError(CeleryError):
    pass


class SoftTimeLimitExceeded(CeleryError):
    pass


class TimeLimitExceeded(CeleryError):
    pass


class WorkerLostError(CeleryError):
    pass


class TaskRevokedError(CeleryError):
    pass


class ChordError(CeleryError):
    pass


class TimeoutError(CeleryError):  # noqa: A001 (Celery's own name)
    pass


class NotRegistered(CeleryError, KeyError):
    pass


BY_NAME = {name: globals()[name] for name in __all__}
