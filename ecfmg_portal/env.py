"""Reading the environment: one place, typed, loud on a malformed value."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


class Env:
    """Typed accessors that name the variable when its value cannot be used."""

    def __init__(self) -> None:
        self._env = environ.Env()

    def _raw(self, name: str) -> str | None:
        value = os.environ.get(name)
        return None if value is None or value == "" else value

    def _fail(self, name: str, expected: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"Environment variable {name} is malformed: expected {expected}.")

    def string(self, name: str, *, default: Any = _MISSING) -> str:
        value = self._raw(name)
        if value is None:
            if default is _MISSING:
                raise ImproperlyConfigured(f"Environment variable {name} is required.")
            return default
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise self._fail(name, "true or false")

    def integer(self, name: str, *, default: int) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise self._fail(name, "a whole number") from None

    def decimal(self, name: str, *, default: str) -> Decimal:
        value = self._raw(name) or default
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise self._fail(name, "a decimal amount such as 1000.00") from None
        if not result.is_finite() or result < 0:
            raise self._fail(name, "a positive decimal amount")
        return result

    def strings(self, name: str, *, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def path(self, name: str, *, default: Path) -> Path:
        value = self._raw(name)
        return Path(value) if value else default

    def url(self, name: str, *, default: str) -> str:
        value = self._raw(name) or default
        if not value.startswith(("http://", "https://")):
            raise self._fail(name, "an http:// or https:// address")
        return value

    def db(self, name: str, *, default: str) -> dict[str, Any]:
        value = self._raw(name) or default
        try:
            config = self._env.db_url_config(value)
        except Exception as exc:  # django-environ raises several types
            raise self._fail(name, f"a database URL such as postgres://user@host/db ({exc})") from exc
        if not str(config.get("ENGINE", "")).startswith(
            ("django.db.backends.", "django.contrib.gis.db.backends.")
        ):
            raise self._fail(name, "a database URL with a known scheme (postgres://, sqlite:///)")
        return dict(config)

    def email_url(self, name: str, *, default: str) -> dict[str, Any]:
        value = self._raw(name) or default
        if value.startswith("filemail://"):
            return {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": value.removeprefix("filemail://"),
            }
        try:
            return dict(self._env.email_url_config(value))
        except Exception as exc:
            raise self._fail(name, f"an e-mail URL such as smtp+tls://user:pass@host:587 ({exc})") from exc
