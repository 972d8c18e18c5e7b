"""Claiming an item of a queue for a few minutes.

Opening a review page claims its item; a decision needs the claim and releases
it. Taking a claim is one conditional UPDATE (ours already, or expired), or an
INSERT that the unique constraint lets only one reviewer win, so two reviewers
opening the same item at the same moment cannot both hold it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ecfmg_portal.errors import Conflict

from .models import Claim

CLAIM_MINUTES = 10


@dataclass(frozen=True)
class ClaimState:
    """Who holds an item, until when, and whether that is the person asking."""

    holder_id: int
    holder_label: str
    expires_at: datetime.datetime
    mine: bool


def _state(claim: Claim, user: Any) -> ClaimState:
    return ClaimState(
        holder_id=claim.claimed_by_id,
        holder_label=str(claim.claimed_by),
        expires_at=claim.expires_at,
        mine=claim.claimed_by_id == user.pk,
    )


def claim_take(*, queue: str, object_id: int, user: Any, minutes: int = CLAIM_MINUTES) -> ClaimState:
    """Claim the item for ``user`` (or extend their claim). When a colleague holds a
    live claim, theirs is returned unchanged (``mine`` is False)."""
    now = timezone.now()
    until = now + datetime.timedelta(minutes=minutes)
    with transaction.atomic():
        taken = (
            Claim.objects.filter(queue=queue, object_id=object_id)
            .filter(Q(claimed_by=user) | Q(expires_at__lte=now))
            .update(claimed_by=user, claimed_at=now, expires_at=until)
        )
        if not taken:
            try:
                with transaction.atomic():
                    Claim.objects.create(
                        queue=queue, object_id=object_id, claimed_by=user, claimed_at=now, expires_at=until
                    )
            except IntegrityError:
                pass  # a colleague's live claim: reported below
        claim = Claim.objects.select_related("claimed_by").get(queue=queue, object_id=object_id)
    return _state(claim, user)


def claim_require(*, queue: str, object_id: int, user: Any) -> None:
    """Before a decision: the item must be claimed by ``user`` (or free, then it is taken).
    Raises ``Conflict`` when a colleague holds it."""
    state = claim_take(queue=queue, object_id=object_id, user=user)
    if not state.mine:
        raise Conflict(
            "claimed_by_colleague",
            f"{state.holder_label} is working on this item until {state.expires_at:%H:%M} UTC.",
        )


def claim_release(*, queue: str, object_id: int, user: Any) -> None:
    """After a decision, the item leaves the queue: forget the holder's claim."""
    Claim.objects.filter(queue=queue, object_id=object_id, claimed_by=user).delete()


def claimed_by_others(*, queue: str, user: Any) -> QuerySet[Claim, Any]:
    """Ids of items a colleague holds right now (a subquery: "next in queue" skips them)."""
    return (
        Claim.objects.filter(queue=queue, expires_at__gt=timezone.now())
        .exclude(claimed_by=user)
        .values("object_id")
    )
