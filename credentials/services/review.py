"""A reviewer's decision on one item of a staff queue, taken on its review page.

The decision itself is the existing service (``school_verification_request``,
``document_manual_decide``, ``school_verification_accept``/``_reject``); this
module adds what a queue needs around it: the reviewer must hold the item's
claim (``ecfmg_portal.workbench.claims``), the reason comes from a template the
reviewer may edit, and the claim is released once the item is decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from credentials.models import Document, ReasonTemplate, SchoolVerificationRequest
from credentials.services.school_verification import (
    document_manual_decide,
    document_manual_decisions,
    school_verification_accept,
    school_verification_reject,
    school_verification_request,
)
from ecfmg_portal.errors import DomainError
from ecfmg_portal.workbench.claims import claim_release, claim_require, claimed_by_others

DOCUMENT_CLAIMS = "document"
ANSWER_CLAIMS = "school_answer"

SEND = "send"
VERIFY = "verify"
REJECT = Document.Status.REJECTED.value
UNABLE = Document.Status.UNABLE_TO_VERIFY.value


@dataclass(frozen=True)
class Decision:
    key: str
    label: str
    needs_reason: bool


def document_review_decisions(*, document: Document) -> list[Decision]:
    """What the reviewer may do with this document now (the services' own rules)."""
    manual = document_manual_decisions(document=document)
    decisions = []
    if document.kind == Document.Kind.DIPLOMA and document.status == Document.Status.RECEIVED:
        decisions.append(Decision(SEND, "Accept and send to the school for verification", False))
    if Document.Status.VERIFIED in manual:
        decisions.append(Decision(VERIFY, "Accept: verified", False))
    if UNABLE in manual:
        decisions.append(Decision(UNABLE, "Unable to verify", True))
    if REJECT in manual:
        decisions.append(Decision(REJECT, "Reject", True))
    return decisions


def reason_text(*, decision: str, template: ReasonTemplate | None, text: str) -> str:
    """The reason the applicant reads: the reviewer's words if they wrote any, else the
    chosen template's."""
    text = (text or "").strip()
    if text:
        return text
    if template is not None and template.decision == decision:
        return template.text
    return ""


def document_review_decide(*, document: Document, decision: str, actor: Any, reason: str = "") -> Document:
    """Take ``decision`` on ``document`` for the reviewer who holds its claim."""
    allowed = {d.key for d in document_review_decisions(document=document)}
    if decision not in allowed:
        raise DomainError("decision_not_allowed", "That decision is not available for this document now.")
    with transaction.atomic():
        claim_require(queue=DOCUMENT_CLAIMS, object_id=document.pk, user=actor)
        if decision == SEND:
            school_verification_request(document=document, actor=actor)
        else:
            to_status = Document.Status.VERIFIED if decision == VERIFY else decision
            document_manual_decide(document=document, to_status=to_status, actor=actor, reason=reason)
        claim_release(queue=DOCUMENT_CLAIMS, object_id=document.pk, user=actor)
    document.refresh_from_db()
    return document


def school_answer_decide(
    *, verification: SchoolVerificationRequest, actor: Any, accept: bool, outcome: str = "", reason: str = ""
) -> SchoolVerificationRequest:
    """Accept or do not accept a school's answer, for the reviewer holding its claim."""
    with transaction.atomic():
        claim_require(queue=ANSWER_CLAIMS, object_id=verification.pk, user=actor)
        if accept:
            decided = school_verification_accept(verification=verification, actor=actor)
        else:
            decided = school_verification_reject(
                verification=verification, actor=actor, outcome=outcome, reason=reason
            )
        claim_release(queue=ANSWER_CLAIMS, object_id=verification.pk, user=actor)
    return decided


def next_in_queue(*, items: Any, claims: str, user: Any, oldest_field: str, after_pk: int) -> Any:
    """The oldest waiting item that no colleague is working on, other than the one just done."""
    return (
        items.exclude(pk=after_pk)
        .exclude(pk__in=claimed_by_others(queue=claims, user=user))
        .order_by(oldest_field, "pk")
        .first()
    )


def reason_templates(*, decisions: list[str]) -> list[ReasonTemplate]:
    return list(ReasonTemplate.objects.filter(Q(decision__in=decisions), is_active=True))
