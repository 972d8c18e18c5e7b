"""The benchmark's own plumbing: reading wrk's output, and docs/benchmarks.md keeping
the hand-written analysis and the other benchmarks' figures when one is re-run."""

from __future__ import annotations

import pytest

from tests.bench import report
from tests.bench.api import parse_wrk
from tests.bench.common import BenchResult

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:40123/api/v1/verifications/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   326.41ms   40.11ms 409.10ms   80.00%
    Req/Sec    48.50     12.30    80.00     70.00%
  Latency Distribution
     50%  326.40ms
     75%  350.00ms
     90%  380.00ms
     99%  409.10ms
  1941 requests in 20.01s, 1.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:     97.01
Transfer/sec:     61.40KB
"""


def test_it_reads_throughput_percentiles_and_errors_from_wrk():
    figures = parse_wrk(WRK_OUTPUT)

    assert figures["rps"] == pytest.approx(97.01)
    assert figures["p50"] == pytest.approx(326.4)
    assert figures["p99"] == pytest.approx(409.1)
    assert figures["requests"] == 1941
    assert figures["non2xx"] == 4
    assert figures["socket_errors"] == 3


def test_microsecond_and_second_latencies_are_converted_to_milliseconds():
    output = WRK_OUTPUT.replace("326.40ms", "850.00us").replace("409.10ms", "1.20s")

    figures = parse_wrk(output)

    assert figures["p50"] == pytest.approx(0.85)
    assert figures["p99"] == pytest.approx(1200.0)


def test_rewriting_keeps_the_analysis_and_the_figures_of_benchmarks_not_rerun(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DOC", tmp_path / "benchmarks.md")
    machine = {"date": "2026-11-25 15:00 UTC", "nproc": "2", "applicants": "100,000"}
    sweep = BenchResult("sweep", "Sweep", ran_at="then")
    sweep.add("wall time", "52.8 s", "< 60 s", True)
    report.write([sweep], machine)
    report.DOC.write_text(report.DOC.read_text() + "\n## Analysis\n\nWritten by hand.\n")

    api = BenchResult("api", "API", ran_at="now")
    api.add("API throughput / floor", "9%", ">= 50%", False)
    report.write([api], machine)

    text = report.DOC.read_text()
    assert "| wall time | 52.8 s | < 60 s | yes |" in text  # kept from the first run
    assert "| API throughput / floor | 9% | >= 50% | **no** |" in text
    assert text.count("Written by hand.") == 1
    assert text.index("## Sweep") < text.index("## API") < text.index("## Analysis")
