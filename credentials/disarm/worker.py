"""The sandboxed child: set hard limits on itself, do one operation, answer, exit.

Started by ``credentials.sandbox.run_sandboxed`` as
``python -I -c ... <project root> <cpu seconds> <address-space bytes>`` with the
request on standard input. The limits are set before the request is read or
any file library is imported, so nothing in the file runs without them.
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable
from typing import Any

Operation = Callable[[dict[str, Any], list[bytes]], tuple[dict[str, Any], list[bytes]]]
MAX_INPUT_BLOB_BYTES = 256 * 1024 * 1024


def _set_limits(cpu_seconds: int, memory_bytes: int) -> None:
    # Soft CPU limit sends SIGXCPU (default action: terminate); the hard one a second later SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the child writes no files


def _render(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    from credentials.disarm.render import render_pages

    pngs = render_pages(blobs[0], width_px=int(params["width_px"]), max_pages=int(params["max_pages"]))
    return {"pages": len(pngs)}, pngs


def _disarm(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    from credentials.disarm.files import disarm_file

    result = disarm_file(blobs[0], max_pages=int(params["max_pages"]))
    return result.header(), [result.content]


def _assemble(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Several files of one document: disarmed, joined, and a thumbnail of each page."""
    from credentials.disarm.files import assemble_files
    from credentials.disarm.render import render_pages

    pdf, pages = assemble_files(blobs, max_pages=int(params["max_pages"]))
    thumbnails = render_pages(pdf, width_px=int(params["thumbnail_width_px"]), max_pages=pages)
    return {"pages": pages}, [pdf, *thumbnails]


def _sleep(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Test hooks: prove the limits hold (spin the CPU, allocate, or sleep past the wall clock)."""
    what = params.get("what")
    if what == "spin":
        while True:
            pass
    if what == "allocate":
        hog = [bytearray(16 * 1024 * 1024) for _ in range(1024)]
        return {"allocated": len(hog)}, []
    import time

    time.sleep(float(params.get("seconds", 60)))
    return {}, []


OPERATIONS: dict[str, Operation] = {
    "render": _render,
    "disarm": _disarm,
    "assemble": _assemble,
    "selftest": _sleep,
}


def _peak_rss_bytes() -> int:
    """This process's own peak resident memory. ``ru_maxrss`` would report the parent's
    peak from before ``exec`` on Linux; ``VmHWM`` belongs to this program alone."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    _set_limits(int(sys.argv[2]), int(sys.argv[3]))
    from credentials.disarm.errors import Refusal
    from credentials.sandbox import decode_message, encode_message

    header: dict[str, Any]
    blobs: list[bytes] = []
    try:
        request, inputs = decode_message(sys.stdin.buffer.read(), max_blob_bytes=MAX_INPUT_BLOB_BYTES)
        operation = OPERATIONS[str(request["op"])]
        result, blobs = operation(dict(request.get("params") or {}), inputs)
        header = {"ok": True, **result}
    except Refusal as refusal:
        header = {"ok": False, "code": refusal.code, "message": refusal.message}
    except MemoryError:
        blobs = []
        header = {"ok": False, "code": "memory", "message": ""}
    header["peak_rss_bytes"] = _peak_rss_bytes()
    sys.stdout.buffer.write(encode_message(header, blobs))
    sys.stdout.buffer.flush()
