"""USMLE/ECFMG Identification Numbers (R-ID-1..3)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from applicants.models import Applicant
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError
from ecfmg_portal.folding import fold_text

# Fields that, once the number is issued, change only through a staff-approved request.
LOCKED_IDENTITY_FIELDS = (
    "given_names",
    "last_name",
    "date_of_birth",
    "country",
    "school",
    "graduation_date",
)
REQUIRED_FOR_ID = (
    "given_names",
    "last_name",
    "date_of_birth",
    "country",
    "school",
    "graduation_date",
)

# The fields as sentences name them, in the reader's language ("given names, school").
FIELD_NAMES = {
    "given_names": gettext_lazy("given names"),
    "last_name": gettext_lazy("last name"),
    "date_of_birth": gettext_lazy("date of birth"),
    "country": gettext_lazy("country"),
    "school": gettext_lazy("school"),
    "graduation_date": gettext_lazy("graduation date"),
}


def field_names(fields: list[str]) -> str:
    """ "given names, last name": the fields named in the active language."""
    return gettext(", ").join(str(FIELD_NAMES.get(f, f.replace("_", " "))) for f in fields)


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that makes ``body + digit`` valid: catches any single mistyped
    digit and most swaps of two neighbours."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def usmle_id_is_valid(value: str) -> bool:
    """8 ASCII digits whose last one is the Luhn check digit of the first seven."""
    return len(value) == 8 and value.isascii() and value.isdigit() and luhn_check_digit(value[:7]) == value[7]


def generate_usmle_id() -> str:
    """Random, not sequential, so one number says nothing about the next."""
    body = f"{secrets.randbelow(9_000_000) + 1_000_000:07d}"
    return body + luhn_check_digit(body)


def fold_name(name: str) -> str:
    """Case- and accent-free form used only for matching ("Núñez" -> "nunez")."""
    return " ".join(fold_text(name).replace("-", " ").replace("'", "").split())


def applicant_issue_usmle_id(*, applicant: Applicant) -> str:
    """Issue the applicant's number. Idempotent: a second call returns the first number.

    The number is never reused or changed (R-ID-2): the column is unique and no
    service writes it twice.
    """
    missing = [f for f in REQUIRED_FOR_ID if not getattr(applicant, f if f != "school" else "school_id")]
    if missing:
        raise DomainError(
            "identity_incomplete",
            gettext("Complete your identity details first: %(fields)s.") % {"fields": field_names(missing)},
        )
    for _ in range(20):
        try:
            with transaction.atomic():
                locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
                if locked.usmle_id:
                    applicant.usmle_id = locked.usmle_id
                    applicant.usmle_id_issued_at = locked.usmle_id_issued_at
                    return locked.usmle_id
                locked.usmle_id = generate_usmle_id()
                locked.usmle_id_issued_at = timezone.now()
                locked.save(update_fields=["usmle_id", "usmle_id_issued_at", "updated_at"])
                audit_record(
                    action="usmle_id.issued",
                    obj=locked,
                    actor=locked.user,
                    after={"usmle_id": locked.usmle_id},
                )
        except IntegrityError:
            continue  # another applicant holds that random number: draw again
        applicant.usmle_id = locked.usmle_id
        applicant.usmle_id_issued_at = locked.usmle_id_issued_at
        return locked.usmle_id
    raise RuntimeError("Could not draw a free USMLE/ECFMG ID after 20 attempts.")
