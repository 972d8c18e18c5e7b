"""Run untrusted-file work in a child process that cannot take the web worker down.

Parsing a hostile PDF or image can burn CPU and memory without bound. Every
such step (checking, disarming, assembling, rendering pages) therefore runs in
``python -m credentials.disarm.worker``, a fresh interpreter that first sets
hard ``RLIMIT_CPU`` and ``RLIMIT_AS`` limits on itself and is killed by the
parent when the wall-clock limit passes. Whatever the file does, the web
worker only sees an answer, a refusal, or a ``SandboxFailure``.

The protocol is plain bytes, never pickle (the child's output is as untrusted
as its input): a length-prefixed JSON header, then length-prefixed blobs.
This module imports nothing from Django so the benchmark and the child's
tests can use it alone.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_HEADER = struct.Struct(">I")
_BLOB = struct.Struct(">Q")
MAX_HEADER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Hard limits for one child: CPU seconds, address space and wall-clock seconds."""

    cpu_seconds: int = 10
    memory_bytes: int = 768 * 1024 * 1024
    wall_seconds: float = 20.0


class SandboxFailure(Exception):
    """The child died, overran a limit or answered nonsense. ``reason`` says which."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """What the child said: ``header`` (JSON object) and the blobs it returned."""

    header: dict[str, Any]
    blobs: list[bytes]

    @property
    def peak_rss_bytes(self) -> int:
        return int(self.header.get("peak_rss_bytes", 0))


def encode_message(header: dict[str, Any], blobs: list[bytes]) -> bytes:
    raw = json.dumps({**header, "blob_count": len(blobs)}).encode()
    parts = [_HEADER.pack(len(raw)), raw]
    for blob in blobs:
        parts += [_BLOB.pack(len(blob)), blob]
    return b"".join(parts)


def decode_message(data: bytes, *, max_blob_bytes: int) -> tuple[dict[str, Any], list[bytes]]:
    """Parse a message, refusing anything malformed or larger than announced limits."""
    if len(data) < _HEADER.size:
        raise ValueError("truncated header")
    (size,) = _HEADER.unpack_from(data)
    if size > MAX_HEADER_BYTES or _HEADER.size + size > len(data):
        raise ValueError("bad header length")
    header = json.loads(data[_HEADER.size : _HEADER.size + size])
    if not isinstance(header, dict):
        raise ValueError("header is not an object")
    count = header.get("blob_count")
    if not isinstance(count, int) or not 0 <= count <= 1000:
        raise ValueError("bad blob count")
    offset = _HEADER.size + size
    blobs = []
    for _ in range(count):
        if offset + _BLOB.size > len(data):
            raise ValueError("truncated blob length")
        (length,) = _BLOB.unpack_from(data, offset)
        offset += _BLOB.size
        if length > max_blob_bytes or offset + length > len(data):
            raise ValueError("bad blob length")
        blobs.append(data[offset : offset + length])
        offset += length
    if offset != len(data):
        raise ValueError("trailing bytes")
    return header, blobs


def read_message(stream: BinaryIO, *, max_blob_bytes: int) -> tuple[dict[str, Any], list[bytes]]:
    return decode_message(stream.read(), max_blob_bytes=max_blob_bytes)


def run_sandboxed(
    op: str,
    params: dict[str, Any],
    blobs: list[bytes],
    *,
    limits: Limits,
    max_output_bytes: int = 64 * 1024 * 1024,
) -> Answer:
    """Run ``op`` of ``credentials.disarm.worker`` on ``blobs`` under ``limits``."""
    command = [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no current directory on the path
        "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); from credentials.disarm.worker import main; main()",
        str(_PROJECT_ROOT),
        str(limits.cpu_seconds),
        str(limits.memory_bytes),
    ]
    request = encode_message({"op": op, "params": params}, blobs)
    try:
        completed = subprocess.run(  # noqa: S603 - a fixed command: this interpreter and our module
            command,
            input=request,
            capture_output=True,
            timeout=limits.wall_seconds,
            check=False,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            cwd=_PROJECT_ROOT,
        )
    except subprocess.TimeoutExpired:
        raise SandboxFailure("wall_clock", f"over {limits.wall_seconds} s") from None
    if completed.returncode != 0:
        tail = completed.stderr[-300:].decode("utf-8", "replace")
        raise SandboxFailure("crashed", f"exit {completed.returncode} {tail}")
    try:
        header, out = decode_message(completed.stdout, max_blob_bytes=max_output_bytes)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SandboxFailure("bad_answer", str(exc)) from None
    return Answer(header=header, blobs=out)
