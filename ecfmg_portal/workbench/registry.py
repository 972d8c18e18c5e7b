"""Work queues, registered by the apps that own them.

Each app describes its queues (what counts as waiting, since when, who may work
it, where the list is) with its own selectors; the home page of work lists the
queues a staff member's permissions allow, one aggregate query per queue.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Model, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class QueueStats:
    count: int
    oldest: datetime.datetime | None

    def age(self, now: datetime.datetime) -> datetime.timedelta | None:
        return None if self.oldest is None else now - self.oldest


@dataclass(frozen=True)
class WeekFlow:
    """Items that entered a queue and items decided, in the week starting ``week``."""

    week: datetime.date
    received: int
    decided: int


@dataclass(frozen=True)
class Queue:
    """One kind of waiting work: the rows of ``model`` matching ``condition()``.

    The count and the oldest ``oldest_field`` come from one aggregate query; the
    list is the model's changelist with ``?queue=<key>``, which filters to the
    same rows and orders them oldest first (``QueueListFilter``). ``weekly``
    (optional) returns received and decided counts per week since a moment.
    """

    key: str
    title: str
    noun: str
    noun_plural: str
    permission: str
    model: type[Model]
    condition: Callable[[], Q]
    oldest_field: str
    order: int = 100
    # Since a moment: (received per week, decided per week), keyed by the week's first day.
    weekly: (
        Callable[[datetime.datetime], tuple[dict[datetime.date, int], dict[datetime.date, int]]] | None
    ) = None
    description: str = ""
    # When the model's list cannot take ``?queue=`` (an admin another app owns), the
    # ready-made filter that shows the same rows oldest first, e.g. "status__exact=open".
    list_query: str = ""

    def items(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(self.condition())

    def stats(self) -> QueueStats:
        return stats_of(self.items(), self.oldest_field)

    def url(self) -> str:
        opts = self.model._meta
        query = self.list_query or f"queue={self.key}"
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + f"?{query}"

    def count_label(self, count: int) -> str:
        return f"{count:,} {self.noun if count == 1 else self.noun_plural}"


@dataclass
class _Registry:
    queues: dict[str, Queue] = field(default_factory=dict)
    turnaround: Callable[[datetime.datetime], list[TurnaroundPoint]] | None = None
    # (changelist URL name, permission) of the people search on the home page.
    people_search: tuple[str, str] | None = None


@dataclass(frozen=True)
class TurnaroundPoint:
    """Days from request to answer, per country, over answered requests."""

    label: str
    answered: int
    median_days: float
    p90_days: float


_registry = _Registry()


def queue_register(queue: Queue) -> Queue:
    """Add (or replace, on re-import) a queue."""
    _registry.queues[queue.key] = queue
    return queue


def turnaround_register(source: Callable[[datetime.datetime], list[TurnaroundPoint]]) -> None:
    _registry.turnaround = source


def turnaround_since(since: datetime.datetime) -> list[TurnaroundPoint]:
    return _registry.turnaround(since) if _registry.turnaround else []


def people_search_register(url_name: str, permission: str) -> None:
    _registry.people_search = (url_name, permission)


def people_search() -> tuple[str, str] | None:
    return _registry.people_search


def queue_get(key: str) -> Queue:
    return _registry.queues[key]


def queues_of_model(model: type[Model]) -> list[Queue]:
    return [q for q in _registry.queues.values() if q.model is model]


def queues_for(user: Any) -> list[Queue]:
    """The queues ``user`` may work, in the order staff read them."""
    allowed = [q for q in _registry.queues.values() if user.has_perm(q.permission)]
    return sorted(allowed, key=lambda q: (q.order, q.title))


@dataclass(frozen=True)
class QueueRow:
    queue: Queue
    stats: QueueStats
    age: datetime.timedelta | None

    @property
    def count_label(self) -> str:
        return self.queue.count_label(self.stats.count)

    @property
    def age_label(self) -> str:
        return age_label(self.age)


def queue_rows(user: Any) -> list[QueueRow]:
    now = timezone.now()
    rows = []
    for queue in queues_for(user):
        stats = queue.stats()
        rows.append(QueueRow(queue=queue, stats=stats, age=stats.age(now)))
    return rows


def age_label(age: datetime.timedelta | None) -> str:
    """ "3 days", "5 hours", "12 minutes": the age of the oldest item, for people."""
    if age is None:
        return "—"
    seconds = max(int(age.total_seconds()), 0)
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return "under a minute"


def stats_of(queryset: QuerySet[Any], oldest_field: str) -> QueueStats:
    """Count and oldest in one aggregate query."""
    found = queryset.aggregate(count=Count("pk"), oldest=Min(oldest_field))
    return QueueStats(count=int(found["count"] or 0), oldest=found["oldest"])


def weekly_counts(
    queryset: QuerySet[Any], field_name: str, since: datetime.datetime
) -> dict[datetime.date, int]:
    """Rows per week of ``field_name`` since a moment: one grouped query."""
    rows = (
        queryset.filter(**{f"{field_name}__gte": since})
        .annotate(week=TruncWeek(field_name))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[datetime.date, int] = {}
    for row in rows:
        week = row["week"]
        day = week.date() if isinstance(week, datetime.datetime) else week
        counts[day] = counts.get(day, 0) + int(row["n"])
    return counts
