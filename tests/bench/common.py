"""Shared pieces of the benchmarks: results, timing, the machine, a profile."""

from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BIN = BASE_DIR / ".venv" / "bin"


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    met: bool | None = None


@dataclass
class BenchResult:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profile: str = ""
    skipped: str = ""
    seconds: float = 0.0
    ran_at: str = ""

    def add(self, name: str, value: str, target: str = "", met: bool | None = None) -> None:
        self.figures.append(Figure(name, value, target, met))

    @property
    def all_met(self) -> bool | None:
        checks = [f.met for f in self.figures if f.met is not None]
        return all(checks) if checks else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchResult:
        figures = [Figure(**f) for f in data.pop("figures", [])]
        return cls(figures=figures, **data)

    def print(self) -> None:
        print(f"\n== {self.title}")
        if self.skipped:
            print(f"   skipped: {self.skipped}")
        for figure in self.figures:
            verdict = "" if figure.met is None else (" OK" if figure.met else " MISSED")
            target = f"   (target {figure.target}){verdict}" if figure.target else ""
            print(f"   {figure.name:<58} {figure.value:>14}{target}")
        for note in self.notes:
            print(f"   note: {note}")


class QueryCounter:
    """Counts the SQL statements run inside the block, by wrapping the connection's
    execution (robust to the ``reset_queries`` Django runs at each request start)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)


class SqlTimer(QueryCounter):
    """A QueryCounter that also adds up the time spent in the database (commits included)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().__call__(execute, sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def profile_top(fn: Callable[[], Any], *, limit: int = 15, sort: str = "cumulative") -> str:
    """cProfile of ``fn``: the top functions, as text for the report."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
    # Keep the table: from the header line on.
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(lines[start:])


def _first_line(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine() -> dict[str, str]:
    mem_kb = _first_line("/proc/meminfo", "MemTotal")
    try:
        ram = f"{int(mem_kb.split()[0]) / 1024 / 1024:.1f} GiB"
    except (ValueError, IndexError):
        ram = mem_kb
    try:
        load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "nproc": str(os.cpu_count() or "unknown"),
        "ram": ram,
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "python": platform.python_version(),
        "postgres": _postgres_version(),
        "load_average_at_start": load,
    }


def _postgres_version() -> str:
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else "unknown"


def run(command: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), check=True, capture_output=True, text=True, **kwargs)
