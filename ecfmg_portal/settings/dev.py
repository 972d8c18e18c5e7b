"""Local development: ``make run``. DEBUG on, everything on the laptop."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = env.boolean("DEBUG", default=True)
