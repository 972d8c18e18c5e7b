"""Staff views of ERAS: applications, report versions, and webhook deliveries
(failures filterable, resend of failed ones). Read-only except for the resend
action and feed-access grants: reports are written only by the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest

from ecfmg_portal.admin_lists import LargeTableAdmin
from ecfmg_portal.workbench.admin_filters import QueueListFilter, QueueOrderingMixin
from verification.eras import workbench_queues  # noqa: F401 - registers the failed-deliveries queue

from .models import FeedAccess, ResidencyApplication, StatusReport, WebhookAttempt, WebhookDelivery
from .services import feed_access_grant, feed_access_revoke
from .tasks import webhook_deliver
from .webhooks import webhook_delivery_resend


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeedAccess)
class FeedAccessAdmin(admin.ModelAdmin):
    """Which organization's keys may submit ERAS applications (granted and revoked
    through the services, so both are audited)."""

    list_display = ("organization", "granted_at", "granted_by")
    list_select_related = ("organization", "granted_by")
    raw_id_fields = ("organization",)
    readonly_fields = ("granted_at", "granted_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FeedAccess, form: Any, change: bool) -> None:
        access = feed_access_grant(organization=obj.organization, actor=request.user)
        obj.pk, obj.granted_at, obj.granted_by = access.pk, access.granted_at, access.granted_by

    def delete_model(self, request: HttpRequest, obj: FeedAccess) -> None:
        feed_access_revoke(access=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[FeedAccess]) -> None:
        for access in queryset:
            feed_access_revoke(access=access, actor=request.user)


class StatusReportInline(admin.TabularInline):
    model = StatusReport
    fields = ("version", "generated_at", "cause", "content_hash")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SeasonListFilter(admin.SimpleListFilter):
    """The seasons from the first to the last on record, newest first.

    Django's own field filter lists them with a DISTINCT over every application (47 ms
    at 270k rows on each page of the list); the first and last season are two probes
    of the season index, and a season is a year, so the years between are the rest.
    Same parameter as the field filter (``?season=2027``).
    """

    title = "season"
    parameter_name = "season"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        bounds = ResidencyApplication.objects.aggregate(first=Min("season"), last=Max("season"))
        if bounds["first"] is None:
            return []
        years = range(int(bounds["last"]), int(bounds["first"]) - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(season=self.value()) if self.value() else queryset


@admin.register(ResidencyApplication)
class ResidencyApplicationAdmin(_ReadOnly, LargeTableAdmin):
    list_display = ("id", "applicant", "program", "season", "received_at")
    list_filter = (SeasonListFilter,)
    list_select_related = ("applicant", "program")
    search_fields = ("=applicant__usmle_id", "program__acgme_program_id", "program__name")
    usmle_id_lookup = "applicant__usmle_id"
    inlines = (StatusReportInline,)


@admin.register(StatusReport)
class StatusReportAdmin(_ReadOnly, LargeTableAdmin):
    list_display = ("public_id", "application", "program", "version", "cause", "generated_at")
    list_select_related = ("application", "program")
    list_filter = ("cause",)
    search_fields = ("public_id", "=application__applicant__usmle_id", "program__acgme_program_id")
    usmle_id_lookup = "application__applicant__usmle_id"


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "started_at", "duration_ms", "response_code", "outcome", "error", "url")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(QueueOrderingMixin, _ReadOnly, LargeTableAdmin):
    list_display = (
        "public_id",
        "program",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    )
    list_filter = (QueueListFilter, "status", "report__program")
    list_select_related = ("report__program",)
    search_fields = ("public_id", "report__public_id", "report__program__acgme_program_id")
    inlines = (WebhookAttemptInline,)
    actions = ("resend",)

    @admin.display(description="Program")
    def program(self, obj: WebhookDelivery) -> str:
        return str(obj.report.program)

    @admin.action(description="Resend the selected failed deliveries")
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        resent = 0
        for delivery in queryset.filter(status=WebhookDelivery.Status.FAILED):
            if webhook_delivery_resend(delivery=delivery, actor=request.user):
                webhook_deliver.delay_on_commit(delivery.pk)
                resent += 1
        skipped = queryset.count() - resent
        self.message_user(request, f"{resent} delivery(ies) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: only failed deliveries are resent (a delivered report is never sent twice).",
                messages.WARNING,
            )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the resend action; every field stays read-only.
        return bool(request.user.has_perm("eras.change_webhookdelivery"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in WebhookDelivery._meta.fields]
