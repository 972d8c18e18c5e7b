"""``?queue=<key>`` on a changelist: the waiting rows of a registered queue, oldest first."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .registry import Queue, queues_of_model

QUEUE_PARAMETER = "queue"


class QueueListFilter(admin.SimpleListFilter):
    title = "work queue"
    parameter_name = QUEUE_PARAMETER

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(q.key, q.title) for q in queues_of_model(model_admin.model)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queue = selected_queue(request, queryset.model)
        return queryset if queue is None else queryset.filter(queue.condition())


def selected_queue(request: HttpRequest, model: type[Model]) -> Queue | None:
    key = request.GET.get(QUEUE_PARAMETER)
    return next((q for q in queues_of_model(model) if q.key == key), None)


class QueueOrderingMixin:
    """Put first in a ModelAdmin: on a queue's list, the oldest waiting item comes first."""

    def get_ordering(self, request: HttpRequest) -> Any:
        queue = selected_queue(request, self.model)  # type: ignore[attr-defined]
        if queue is not None:
            return (queue.oldest_field, "pk")
        return super().get_ordering(request)  # type: ignore[misc]
