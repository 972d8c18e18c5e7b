"""Retry SQLite's "database is locked", so the embedded default behaves like PostgreSQL.

SQLite takes one writer at a time; a second concurrent issuer waits up to its busy
timeout and then fails with ``OperationalError: database is locked``, where
PostgreSQL would simply have waited on the row lock. The whole unit of work is
retried a few times with growing, jittered pauses. Only outside any transaction
(a retry inside one would run in a broken transaction) and only for that error.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 6
FIRST_PAUSE_SECONDS = 0.05


def is_database_locked(error: BaseException) -> bool:
    return connection.vendor == "sqlite" and "database is locked" in str(error)


def retry_when_locked(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(ATTEMPTS):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if not is_database_locked(error) or connection.in_atomic_block or attempt == ATTEMPTS - 1:
                    raise
                time.sleep(FIRST_PAUSE_SECONDS * 2**attempt * (1 + random.random()))  # noqa: S311 - jitter
        raise AssertionError("unreachable")

    return wrapper
