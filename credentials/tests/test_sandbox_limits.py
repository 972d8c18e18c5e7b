"""The sandboxed child cannot outspend its CPU, memory or wall-clock limits."""

from __future__ import annotations

import pytest

from credentials.sandbox import Limits, SandboxFailure, decode_message, encode_message, run_sandboxed

TIGHT = Limits(cpu_seconds=1, memory_bytes=256 * 1024 * 1024, wall_seconds=3.0)


def test_a_child_spinning_the_cpu_is_killed_at_its_cpu_limit():
    with pytest.raises(SandboxFailure) as failure:
        run_sandboxed("selftest", {"what": "spin"}, [], limits=TIGHT)
    assert failure.value.reason == "crashed"


def test_a_child_allocating_without_end_runs_out_of_address_space():
    answer = run_sandboxed("selftest", {"what": "allocate"}, [], limits=TIGHT)

    assert answer.header["ok"] is False
    assert answer.header["code"] == "memory"
    assert answer.peak_rss_bytes <= TIGHT.memory_bytes


def test_a_child_that_hangs_is_killed_at_the_wall_clock_limit():
    with pytest.raises(SandboxFailure) as failure:
        run_sandboxed(
            "selftest",
            {"what": "sleep", "seconds": 30},
            [],
            limits=Limits(cpu_seconds=5, memory_bytes=256 * 1024 * 1024, wall_seconds=1.0),
        )
    assert failure.value.reason == "wall_clock"


def test_messages_round_trip_and_malformed_ones_are_refused():
    message = encode_message({"op": "x"}, [b"abc", b""])
    header, blobs = decode_message(message, max_blob_bytes=10)
    assert header["op"] == "x"
    assert blobs == [b"abc", b""]

    for broken in (message[:-1], message + b"!", b"\x00\x00"):
        with pytest.raises(ValueError):
            decode_message(broken, max_blob_bytes=10)
    with pytest.raises(ValueError):
        decode_message(message, max_blob_bytes=2)  # a blob larger than the caller accepts
