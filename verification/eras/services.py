"""ERAS writes: receiving applications, issuing report versions, configuring webhooks.

Pushing reports to webhooks lives in ``webhooks.py``; this module decides what
is pushed (a delivery row per new version) and queues it on commit.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from applicants.models import Applicant
from applicants.services.identity import usmle_id_is_valid
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError
from verification.models import Organization

from .models import MAX_PROGRAMS_PER_REQUEST, FeedAccess, ResidencyApplication, StatusReport, WebhookDelivery
from .selectors import payload_hash, status_payloads
from .tasks import webhook_deliveries_queue
from .webhooks import webhook_url_refusal

# Seasons accepted: the residency year starting this year up to two years ahead.
SEASONS_AHEAD = 2
REFRESH_BATCH_SIZE = 500
CAUSE_APPLICATION = "application.received"


@dataclass(frozen=True)
class ReceivedApplication:
    application: ResidencyApplication
    created: bool


def feed_access_grant(*, organization: Organization, actor: Any = None) -> FeedAccess:
    """Let this organization's keys submit ERAS applications. Idempotent."""
    with transaction.atomic():
        access, created = FeedAccess.objects.get_or_create(
            organization=organization, defaults={"granted_by": actor if actor and actor.pk else None}
        )
        if created:
            audit_record(action="eras.feed_access.granted", obj=access, actor=actor)
    return access


def feed_access_revoke(*, access: FeedAccess, actor: Any = None) -> None:
    """Take the right away: the organization's keys get 403 from the next request."""
    with transaction.atomic():
        audit_record(
            action="eras.feed_access.revoked",
            obj=access,
            actor=actor,
            before={"organization": access.organization_id},
        )
        access.delete()


def feed_may_submit(*, organization: Organization) -> bool:
    return organization.is_active and FeedAccess.objects.filter(organization=organization).exists()


def _season_refusal(season: str, today: datetime.date) -> str | None:
    if not (len(season) == 4 and season.isascii() and season.isdigit()):
        return "The season is the year residency starts, four digits (e.g. 2027)."
    if not today.year <= int(season) <= today.year + SEASONS_AHEAD:
        return f"The season must be between {today.year} and {today.year + SEASONS_AHEAD}."
    return None


def residency_applications_receive(
    *, feed: Organization, usmle_id: str, season: str, program_ids: Sequence[str]
) -> list[ReceivedApplication]:
    """Record the applications an applicant made through ERAS, and issue each new
    one its first status report (R-VE-2).

    Idempotent: applications already recorded for this applicant, program and
    season are returned with ``created=False`` and get no new report. Every
    program must be a known, active residency program, or nothing is recorded.
    """
    if not usmle_id_is_valid(usmle_id):
        raise DomainError("invalid_usmle_id", "Not a valid USMLE/ECFMG ID.", field="usmle_id")
    refusal = _season_refusal(season, timezone.localdate())
    if refusal:
        raise DomainError("invalid_season", refusal, field="season")
    wanted = list(dict.fromkeys(program_ids))
    if not wanted:
        raise DomainError("no_programs", "Name at least one ACGME program id.", field="programs")
    if len(wanted) > MAX_PROGRAMS_PER_REQUEST:
        raise DomainError(
            "too_many_programs",
            f"At most {MAX_PROGRAMS_PER_REQUEST} programs per request.",
            field="programs",
        )
    applicant = Applicant.objects.filter(usmle_id=usmle_id).first()
    if applicant is None:
        raise DomainError("unknown_applicant", "No applicant has this USMLE/ECFMG ID.", field="usmle_id")
    programs = {
        p.acgme_program_id: p
        for p in Organization.objects.filter(
            kind=Organization.Kind.RESIDENCY_PROGRAM, is_active=True, acgme_program_id__in=wanted
        )
    }
    unknown = [program_id for program_id in wanted if program_id not in programs]
    if unknown:
        raise DomainError(
            "unknown_programs",
            "Unknown ACGME program id(s): " + ", ".join(unknown) + ".",
            field="programs",
        )
    with transaction.atomic():
        # One intake per applicant at a time: a replayed request waits and finds the rows.
        Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
        existing = {
            a.program_id: a
            for a in ResidencyApplication.objects.filter(
                applicant=applicant, season=season, program__in=programs.values()
            ).select_related("program")
        }
        new = ResidencyApplication.objects.bulk_create(
            [
                ResidencyApplication(applicant=applicant, program=p, season=season, received_from=feed)
                for p in programs.values()
                if p.pk not in existing
            ]
        )
        if new:
            audit_record(
                action="eras.applications.received",
                obj=applicant,
                after={
                    "season": season,
                    "programs": [a.program.acgme_program_id for a in new],
                    "feed": feed.pk,
                },
            )
            _reports_issue(
                [_OpenApplication(a.pk, applicant.pk, a.program_id, 0, None) for a in new],
                status_payloads([applicant.pk]),
                pushed_to={a.program_id for a in new if _pushes_to(a.program)},
                cause=CAUSE_APPLICATION,
            )
    created = {a.program_id for a in new}
    by_program = {a.program_id: a for a in [*existing.values(), *new]}
    return [
        ReceivedApplication(application=by_program[programs[pid].pk], created=programs[pid].pk in created)
        for pid in wanted
    ]


class _OpenApplication(NamedTuple):
    id: int
    applicant_id: int
    program_id: int
    latest_version: int
    latest_hash: str | None


def _pushes_to(program: Organization) -> bool:
    return bool(program.webhook_url) and program.is_active


def _open_applications(applicant_ids: Sequence[int]) -> list[_OpenApplication]:
    """Applications of these applicants whose season has not passed, each with its
    latest version and hash: one query, plain tuples (a refresh can touch many)."""
    latest = StatusReport.objects.filter(application=OuterRef("pk")).order_by("-version")
    rows = (
        ResidencyApplication.objects.filter(
            applicant_id__in=applicant_ids, season__gte=str(timezone.localdate().year)
        )
        .annotate(
            latest_version=Max("reports__version"), latest_hash=Subquery(latest.values("content_hash")[:1])
        )
        .order_by("pk")
        .values_list("pk", "applicant_id", "program_id", "latest_version", "latest_hash")
    )
    return [_OpenApplication(pk, a, p, version or 0, digest) for pk, a, p, version, digest in rows]


def _reports_issue(
    applications: Iterable[_OpenApplication],
    payloads: dict[int, dict[str, Any]],
    *,
    pushed_to: set[int],
    cause: str,
) -> list[StatusReport]:
    """A new version for each application whose status content changed; a delivery
    for each new version whose program (in ``pushed_to``) has a webhook. Fixed
    queries per call."""
    now = timezone.now()
    # One hash per applicant, however many programs they applied to.
    digests = {applicant_id: payload_hash(payload) for applicant_id, payload in payloads.items()}
    reports = [
        StatusReport(
            application_id=application.id,
            program_id=application.program_id,
            version=application.latest_version + 1,
            payload=payloads[application.applicant_id],
            content_hash=digests[application.applicant_id],
            cause=cause[:50],
            generated_at=now,
        )
        for application in applications
        if application.applicant_id in payloads
        and digests[application.applicant_id] != application.latest_hash
    ]
    if not reports:
        return []
    created = StatusReport.objects.bulk_create(reports)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(report=report, next_attempt_at=now)
            for report in created
            if report.program_id in pushed_to
        ]
    )
    # One task per program per batch, queued once the versions are committed.
    webhook_deliveries_queue([(d.pk, d.report.program_id) for d in deliveries])
    return created


def status_reports_refresh(
    *, applicant_ids: Iterable[int], cause: str, batch_size: int = REFRESH_BATCH_SIZE
) -> list[StatusReport]:
    """Re-issue reports after a status change: for every open application of these
    applicants (season not yet past), a new version only when the status content
    changed, so a duplicate event produces nothing. Queries grow with batches of
    ``batch_size`` applicants, not with applications or programs."""
    ids = sorted(set(applicant_ids))
    issued: list[StatusReport] = []
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            # Serialise with intake and other refreshes of the same applicants (versions stay dense).
            list(Applicant.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            applications = _open_applications(chunk)
            if not applications:
                continue
            payloads = status_payloads({a.applicant_id for a in applications})
            pushed_to = set(
                Organization.objects.filter(pk__in={a.program_id for a in applications}, is_active=True)
                .exclude(webhook_url="")
                .values_list("pk", flat=True)
            )
            issued.extend(_reports_issue(applications, payloads, pushed_to=pushed_to, cause=cause))
    return issued


def program_acgme_id_set(*, program: Organization, acgme_program_id: str, actor: Any = None) -> Organization:
    """Name a residency program by its ACGME program id (10 digits), the id ERAS
    applications refer to it by."""
    if program.kind != Organization.Kind.RESIDENCY_PROGRAM:
        raise DomainError("not_a_program", "Only residency programs have an ACGME program id.")
    if not (len(acgme_program_id) == 10 and acgme_program_id.isascii() and acgme_program_id.isdigit()):
        raise DomainError(
            "invalid_acgme_program_id", "An ACGME program id is 10 digits.", field="acgme_program_id"
        )
    taken = Organization.objects.filter(acgme_program_id=acgme_program_id).exclude(pk=program.pk)
    if taken.exists():
        raise Conflict("acgme_program_id_taken", "Another program has this ACGME program id.")
    before = {"acgme_program_id": program.acgme_program_id}
    with transaction.atomic():
        program.acgme_program_id = acgme_program_id
        program.save(update_fields=["acgme_program_id"])
        audit_record(
            action="eras.program.acgme_id_set",
            obj=program,
            actor=actor,
            before=before,
            after={"acgme_program_id": acgme_program_id},
        )
    return program


def program_webhook_check(*, program: Organization, url: str) -> None:
    """Refuse a webhook URL this program may not have (the API, the admin and the command)."""
    if url and program.kind != Organization.Kind.RESIDENCY_PROGRAM:
        raise DomainError("not_a_program", "Only residency programs receive status reports.")
    if url:
        refusal = webhook_url_refusal(url)
        if refusal:
            raise DomainError("invalid_webhook_url", refusal, field="url")


def program_webhook_configure(
    *, program: Organization, url: str, rotate_secret: bool = False, actor: Any = None
) -> Organization:
    """Set (or, with an empty ``url``, remove) the program's webhook. A signing
    secret is generated the first time, or again when ``rotate_secret``."""
    if program.kind != Organization.Kind.RESIDENCY_PROGRAM:
        raise DomainError("not_a_program", "Only residency programs receive status reports.")
    program_webhook_check(program=program, url=url)
    before = {"webhook_url": program.webhook_url}
    with transaction.atomic():
        program.webhook_url = url
        if url and (rotate_secret or not program.webhook_secret):
            program.webhook_secret = secrets.token_urlsafe(32)
        program.save(update_fields=["webhook_url", "webhook_secret"])
        audit_record(
            action="eras.webhook.configured",
            obj=program,
            actor=actor,
            before=before,
            after={"webhook_url": url, "secret_rotated": bool(url and rotate_secret)},
        )
    return program
