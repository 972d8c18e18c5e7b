"""docs/benchmarks.md: the figures (regenerated) and the analysis below them (kept).

The figures of every benchmark are stored as JSON in an HTML comment of the same
file, so a run of one benchmark (``--only``) keeps the others' last figures.
Everything after ``ANALYSIS_MARKER`` is written by people and kept as is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .common import BASE_DIR, BenchResult

DOC = BASE_DIR / "docs" / "benchmarks.md"
ORDER = ("sweep", "pages", "api", "api-async-commit", "pdf", "eras", "eras-threads")
DATA_RE = re.compile(r"<!-- bench-data\n(.*?)\n-->", re.DOTALL)
ANALYSIS_MARKER = "<!-- Analysis: written by hand, kept when the figures above are regenerated. -->"


def _previous(text: str) -> dict[str, Any]:
    match = DATA_RE.search(text)
    if not match:
        return {}
    try:
        data: dict[str, Any] = json.loads(match.group(1))
    except json.JSONDecodeError:
        return {}
    return data


def _verdict(result: BenchResult) -> str:
    if result.skipped:
        return "skipped"
    met = result.all_met
    return "no target" if met is None else ("all targets met" if met else "target missed, see analysis")


def _section(result: BenchResult, machine: dict[str, str]) -> list[str]:
    lines = [f"## {result.title}", ""]
    lines.append(
        f"Run {result.ran_at} on {machine.get('applicants', '?')} applicants, {result.seconds:.0f} s: **{_verdict(result)}**."
    )
    lines.append("")
    if result.skipped:
        lines += [f"Skipped: {result.skipped}", ""]
    if result.figures:
        lines += ["| Figure | Value | Target | Met |", "|---|---:|---|---|"]
        for f in result.figures:
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            lines.append(f"| {f.name} | {f.value} | {f.target} | {met} |")
        lines.append("")
    lines += [f"- {note}" for note in result.notes]
    if result.notes:
        lines.append("")
    if result.profile:
        lines += [
            "<details><summary>Profile</summary>",
            "",
            "```",
            result.profile,
            "```",
            "",
            "</details>",
            "",
        ]
    return lines


def write(results: list[BenchResult], machine: dict[str, str]) -> Path:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    data = _previous(text)
    stored: dict[str, Any] = data.get("results", {})
    machines: dict[str, Any] = data.get("machines", {})
    for result in results:
        stored[result.key] = result.as_dict()
        machines[result.key] = machine
    analysis = text.split(ANALYSIS_MARKER, 1)[1] if ANALYSIS_MARKER in text else "\n"
    lines = [
        "# Benchmarks",
        "",
        "Figures written by `make bench` (`tests/bench/`); do not edit above the analysis marker.",
        "Data: `manage.py generate_load_data` (applicants at every stage, see `applicants/loadgen/`).",
        "",
        "| Benchmark | Date | Machine | Applicants | Result |",
        "|---|---|---|---:|---|",
    ]
    ordered = [key for key in ORDER if key in stored] + [key for key in stored if key not in ORDER]
    for key in ordered:
        result = BenchResult.from_dict(dict(stored[key]))
        m = machines.get(key, {})
        lines.append(
            f"| {result.title} | {m.get('date', '?')} | {m.get('nproc', '?')} cores ({m.get('cpu', '?')}), "
            f"{m.get('ram', '?')} RAM, PostgreSQL {m.get('postgres', '?')}, load {m.get('load_average_at_start', '?')} "
            f"| {m.get('applicants', '?')} | {_verdict(result)} |"
        )
    lines.append("")
    for key in ordered:
        lines += _section(BenchResult.from_dict(dict(stored[key])), machines.get(key, {}))
    lines += [
        "<!-- bench-data",
        json.dumps({"results": stored, "machines": machines}, indent=1, sort_keys=True),
        "-->",
        "",
        ANALYSIS_MARKER,
    ]
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines) + analysis, encoding="utf-8")
    return DOC
