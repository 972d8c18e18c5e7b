"""Server-rendered SVG charts (the CSP allows no script; nothing comes from a CDN).

Each function returns the geometry a template draws, so the template only places
shapes and text that Django escapes. Every chart has a title, a description and
the same numbers as a table for people who do not see it.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from .registry import TurnaroundPoint, WeekFlow

WIDTH = 640
LABEL_WIDTH = 120
BAR_HEIGHT = 12
ROW_GAP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # CSS class: which series
    label: str  # the value, for the bar's <title>


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class RowLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[RowLabel]
    plot_left: float
    plot_top: float
    plot_bottom: float
    plot_right: float


def _nice_max(value: float) -> float:
    """A round axis end above ``value``: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def turnaround_chart(points: list[TurnaroundPoint]) -> Chart:
    """Two horizontal bars per country: median and 90th percentile, in days."""
    plot_left, plot_right, plot_top = LABEL_WIDTH, WIDTH - 20, 10
    top = _nice_max(max((p.p90_days for p in points), default=0.0))
    scale = (plot_right - plot_left) / top
    bars: list[Bar] = []
    labels: list[RowLabel] = []
    y = float(plot_top)
    for point in points:
        labels.append(RowLabel(x=plot_left - 8, y=y + BAR_HEIGHT + 4, text=point.label))
        bars.append(
            Bar(plot_left, y, point.median_days * scale, BAR_HEIGHT, "median", f"{point.median_days:g}")
        )
        y += BAR_HEIGHT
        bars.append(Bar(plot_left, y, point.p90_days * scale, BAR_HEIGHT, "p90", f"{point.p90_days:g}"))
        y += BAR_HEIGHT + ROW_GAP
    plot_bottom = max(y, plot_top + 20.0)
    ticks = [Tick(plot_left + top * i / 4 * scale, f"{top * i / 4:g}") for i in range(5)]
    return Chart(
        WIDTH, int(plot_bottom + 30), bars, ticks, labels, plot_left, plot_top, plot_bottom, plot_right
    )


def weekly_chart(flows: list[WeekFlow]) -> Chart:
    """Per week, a bar of items received beside a bar of items decided."""
    plot_left, plot_right, plot_top, plot_bottom = 40.0, WIDTH - 10.0, 10.0, 150.0
    top = _nice_max(max((max(f.received, f.decided) for f in flows), default=0))
    slot = (plot_right - plot_left) / max(len(flows), 1)
    bar_width = max(slot / 2 - 2, 1)
    scale = (plot_bottom - plot_top) / top
    bars: list[Bar] = []
    labels: list[RowLabel] = []
    for n, flow in enumerate(flows):
        x = plot_left + n * slot + 1
        for offset, value, kind in ((0.0, flow.received, "received"), (bar_width, flow.decided, "decided")):
            height = value * scale
            bars.append(Bar(x + offset, plot_bottom - height, bar_width, height, kind, str(value)))
        if n % 2 == 0:
            labels.append(RowLabel(x=x + bar_width, y=plot_bottom + 14, text=f"{flow.week:%d %b}"))
    ticks = [Tick(plot_bottom - top * i / 4 * scale, f"{top * i / 4:g}") for i in range(5)]
    return Chart(
        WIDTH, int(plot_bottom + 24), bars, ticks, labels, plot_left, plot_top, plot_bottom, plot_right
    )


def weeks_since(since: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The Mondays from the week of ``since`` to this week."""
    start = since - datetime.timedelta(days=since.weekday())
    weeks = []
    while start <= today:
        weeks.append(start)
        start += datetime.timedelta(days=7)
    return weeks


def weekly_flows(
    received: dict[datetime.date, int], decided: dict[datetime.date, int], weeks: list[datetime.date]
) -> list[WeekFlow]:
    """Counts keyed by any day of a week, laid out on every week (empty weeks show 0)."""

    def monday(day: datetime.date) -> datetime.date:
        return day - datetime.timedelta(days=day.weekday())

    got: dict[datetime.date, list[int]] = {week: [0, 0] for week in weeks}
    for index, counts in enumerate((received, decided)):
        for day, count in counts.items():
            week = monday(day)
            if week in got:
                got[week][index] += count
    return [WeekFlow(week, r, d) for week, (r, d) in got.items()]
