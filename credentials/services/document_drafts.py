"""A document sent as several files: checked, disarmed and assembled into one PDF,
shown page by page, then confirmed by the applicant (issue 12, item 12).

``document_draft_create`` keeps the assembled PDF and a thumbnail of each page
as a draft owned by the applicant (one at a time: a new draft replaces any
older one). ``document_draft_confirm`` turns it into a ``Document`` through the
same path as a single upload (``document_record``), re-checking the rules, since
the file may have changed while the applicant looked. ``document_draft_discard``
deletes it. Another applicant's draft is "not found", never "forbidden".
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Applicant
from credentials.models import Document, DocumentDraft
from credentials.services.documents import (
    StoredFile,
    display_name,
    document_fields_check,
    document_record,
    stored_name,
    upload_allowance_spend,
)
from credentials.uploads import check_upload_parts
from ecfmg_portal.errors import NotFound

# A draft left longer than this must be sent again: its checks are of another day.
DRAFT_LIFETIME = datetime.timedelta(hours=24)


def document_draft_create(
    *,
    applicant: Applicant,
    kind: str,
    uploads: list[UploadedFile],
    language: str = "en",
    issue_date: datetime.date | None = None,
    actor: Any = None,
) -> DocumentDraft:
    language = document_fields_check(applicant=applicant, kind=kind, language=language, issue_date=issue_date)
    upload_allowance_spend(actor=actor, files=max(1, len(uploads)))
    assembled = check_upload_parts(uploads)
    names: list[str] = []
    try:
        names.append(default_storage.save(stored_name(applicant, "pdf"), ContentFile(assembled.content)))
        for png in assembled.thumbnails:
            names.append(default_storage.save(stored_name(applicant, "png"), ContentFile(png)))
        with transaction.atomic():
            _discard_all(applicant)
            draft = DocumentDraft.objects.create(
                applicant=applicant,
                kind=kind,
                language=language,
                issue_date=issue_date,
                file=names[0],
                pages=assembled.pages,
                size=len(assembled.content),
                sha256=assembled.sha256,
                original_sha256=" ".join(assembled.original_sha256s),
                original_names=[display_name(u.name, extension="pdf") for u in uploads],
                thumbnails=names[1:],
            )
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    return draft


def document_draft_of(*, applicant: Applicant, draft_id: uuid.UUID | str) -> DocumentDraft:
    """The applicant's own, still fresh draft; ``NotFound`` otherwise."""
    draft = DocumentDraft.objects.filter(
        pk=draft_id, applicant=applicant, created_at__gt=timezone.now() - DRAFT_LIFETIME
    ).first()
    if draft is None:
        raise NotFound(_("This preview has expired or was already sent; upload the files again."))
    return draft


def document_draft_confirm(*, applicant: Applicant, draft_id: uuid.UUID | str, actor: Any = None) -> Document:
    with transaction.atomic():
        draft = document_draft_of(applicant=applicant, draft_id=draft_id)
        draft = DocumentDraft.objects.select_for_update().get(pk=draft.pk)
        language = document_fields_check(
            applicant=applicant, kind=draft.kind, language=draft.language, issue_date=draft.issue_date
        )
        try:
            with default_storage.open(str(draft.file.name), "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            raise NotFound(
                _("This preview has expired or was already sent; upload the files again.")
            ) from None
        first_name = draft.original_names[0] if draft.original_names else "document.pdf"
        stem = first_name.rsplit(".", 1)[0] or "document"
        document = document_record(
            applicant=applicant,
            kind=draft.kind,
            stored=StoredFile(
                content=content,
                content_type="application/pdf",
                extension="pdf",
                sha256=draft.sha256,
                original_sha256=draft.original_sha256,
                original_name=f"{stem}-{draft.pages}-pages.pdf"[:120],
            ),
            language=language,
            issue_date=draft.issue_date,
            actor=actor,
        )
        _discard(draft)
    return document


def document_draft_discard(*, applicant: Applicant, draft_id: uuid.UUID | str) -> None:
    draft = DocumentDraft.objects.filter(pk=draft_id, applicant=applicant).first()
    if draft is None:
        raise NotFound(_("This preview has expired or was already sent."))
    _discard(draft)


def document_draft_page(*, applicant: Applicant, draft_id: uuid.UUID | str, page: int) -> bytes:
    """The PNG thumbnail of one page (1-based) of the applicant's own draft."""
    draft = document_draft_of(applicant=applicant, draft_id=draft_id)
    if not 1 <= page <= len(draft.thumbnails):
        raise NotFound(_("No such page."))
    try:
        with default_storage.open(draft.thumbnails[page - 1], "rb") as handle:
            return bytes(handle.read())
    except FileNotFoundError:
        raise NotFound(_("No such page.")) from None


def _discard_all(applicant: Applicant) -> None:
    for draft in DocumentDraft.objects.filter(applicant=applicant):
        _discard(draft)


def _discard(draft: DocumentDraft) -> None:
    names = [str(draft.file.name or ""), *draft.thumbnails]
    draft.delete()
    # Files go only once the row's deletion is committed, so a rollback keeps both.
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def document_drafts_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts past ``DRAFT_LIFETIME`` with their files (beat); idempotent."""
    cutoff = (now or timezone.now()) - DRAFT_LIFETIME
    expired = 0
    for draft in DocumentDraft.objects.filter(created_at__lte=cutoff).order_by("created_at")[:500]:
        with transaction.atomic():
            _discard(draft)
        expired += 1
    return expired
