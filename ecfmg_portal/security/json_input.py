"""JSON from outside, bounded: nesting depth checked before parsing, no NUL anywhere.

``json.loads`` recurses once per nesting level, so ``[[[[...]]]]`` 1,000 deep raises
``RecursionError`` (not ``ValueError``): every caller that caught only ``ValueError``
answered 500. The depth is counted on the raw text first (a linear scan that skips
strings), so a hostile body never reaches the recursive decoder; a NUL in a key or a
string is refused too, since PostgreSQL cannot store it in text or jsonb.
"""

from __future__ import annotations

import json
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class UnsafeJSON(ValueError):
    """Not JSON this service reads: malformed, nested too deeply, or holding a NUL."""


def _nesting_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _holds_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def bounded_json_loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``data`` or raise ``UnsafeJSON`` with a sentence saying why."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise UnsafeJSON("The body is not UTF-8.") from error
    if _nesting_depth(text) > max_depth:
        raise UnsafeJSON(f"The JSON is nested more than {max_depth} levels deep.")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise UnsafeJSON("The body is not valid JSON.") from error
    if _holds_nul(value):
        raise UnsafeJSON("The JSON holds a NUL character.")
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser through ``bounded_json_loads``: a hostile body is a 400."""

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            return bounded_json_loads(raw)
        except UnsafeJSON as error:
            raise ParseError(str(error)) from error
