"""Identity corrections decided from the staff queue: the reviewer must hold the item's
claim (``ecfmg_portal.workbench.claims``), which ends with the decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from applicants.models import IdentityChangeRequest
from applicants.services.profile import identity_change_request_decide
from ecfmg_portal.workbench.claims import claim_release, claim_require

CORRECTION_CLAIMS = "identity_correction"


def identity_correction_decide(
    *, change_request: IdentityChangeRequest, approve: bool, actor: Any, note: str = ""
) -> IdentityChangeRequest:
    with transaction.atomic():
        claim_require(queue=CORRECTION_CLAIMS, object_id=change_request.pk, user=actor)
        decided = identity_change_request_decide(
            change_request=change_request, approve=approve, actor=actor, note=note
        )
        claim_release(queue=CORRECTION_CLAIMS, object_id=change_request.pk, user=actor)
    return decided
