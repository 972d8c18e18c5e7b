"""Staff notes on an applicant's file."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from applicants.models import Applicant, StaffNote
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError

MAX_NOTE = 4000


def staff_note_add(*, applicant: Applicant, text: str, author: Any) -> StaffNote:
    """Add a note; the audit trail records that a note was written (not its text, which
    may hold personal data)."""
    text = (text or "").strip()
    if not text:
        raise DomainError("note_empty", "Write the note first.", field="text")
    if len(text) > MAX_NOTE:
        raise DomainError("note_too_long", f"A note holds at most {MAX_NOTE} characters.", field="text")
    if not (getattr(author, "is_authenticated", False) and author.is_staff):
        raise DomainError("not_allowed", "Only staff write notes on a file.")
    with transaction.atomic():
        note = StaffNote.objects.create(applicant=applicant, text=text, author=author)
        audit_record(
            action="applicant.staff_note_added", obj=note, actor=author, after={"applicant": applicant.pk}
        )
    return note
