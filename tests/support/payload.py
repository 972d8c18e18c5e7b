"""Walk a parsed JSON payload, so tests assert on its fields rather than on substrings
of a body that also holds random data (a USMLE ID such as 12512345 contains "251")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def keys_of(value: Any) -> Iterator[str]:
    """Every object key, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


def scalars_of(value: Any) -> Iterator[Any]:
    """Every leaf value (string, number, boolean, null), at any depth."""
    if isinstance(value, dict):
        for item in value.values():
            yield from scalars_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from scalars_of(item)
    else:
        yield value
