"""The documents part of the applicant's journey: which documents this applicant needs
now, whether each may be uploaded (R-ED-3..7), and the document actions and waits."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Applicant
from credentials.models import Document
from credentials.models_verification import SchoolVerificationRequest
from ecfmg_portal.formatting import format_day

from .journey_common import best_document, local_day
from .journey_rows import JourneyRows
from .types import Action, DocumentRow, Later, Page, SchoolCheck, Waiting

APPLICANT_KINDS = (Document.Kind.DIPLOMA, Document.Kind.TRANSLATION, Document.Kind.TRANSFER_TRANSCRIPT)
LANGUAGE_NAMES = {
    "en": "English",
    "ar": "Arabic",
    "bn": "Bengali",
    "zh": "Chinese",
    "fr": "French",
    "de": "German",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "fa": "Persian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "es": "Spanish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "und": "Another language",
}


# How a sentence names each document ("ECFMG is reviewing your final medical diploma"):
# the model's label in lower case, worded in the reader's language.
_KIND_NAMES: dict[str, Promise] = {
    Document.Kind.DIPLOMA: gettext_lazy("final medical diploma"),
    Document.Kind.TRANSLATION: gettext_lazy("official English translation of the diploma"),
    Document.Kind.FINAL_TRANSCRIPT: gettext_lazy("final medical school transcript"),
    Document.Kind.TRANSFER_TRANSCRIPT: gettext_lazy("transcript of the transfer school"),
}


# The model's labels, worded in the reader's language (the same English words).
_KIND_LABELS: dict[str, Promise] = {
    Document.Kind.DIPLOMA: gettext_lazy("Final medical diploma"),
    Document.Kind.TRANSLATION: gettext_lazy("Official English translation of the diploma"),
    Document.Kind.FINAL_TRANSCRIPT: gettext_lazy("Final medical school transcript"),
    Document.Kind.TRANSFER_TRANSCRIPT: gettext_lazy("Transcript of the transfer school"),
}
_STATUS_LABELS: dict[str, Promise] = {
    Document.Status.RECEIVED: gettext_lazy("Received"),
    Document.Status.SENT_FOR_VERIFICATION: gettext_lazy("Sent for verification"),
    Document.Status.VERIFIED: gettext_lazy("Verified"),
    Document.Status.UNABLE_TO_VERIFY: gettext_lazy("Unable to verify"),
    Document.Status.REJECTED: gettext_lazy("Rejected"),
    Document.Status.REPLACED: gettext_lazy("Replaced"),
}


def kind_label(kind: str) -> Promise | str:
    """The document kind as a title ("Final medical diploma"), lazily in the reader's
    language: an e-mail's context is built before its language is switched on."""
    return _KIND_LABELS.get(kind, Document.Kind(kind).label)


def _status_label(document: Document) -> str:
    label = _STATUS_LABELS.get(document.status)
    return str(label) if label is not None else str(document.get_status_display())


def kind_name(kind: str) -> str:
    """The document kind inside a sentence ("final medical diploma"), in the active language."""
    name = _KIND_NAMES.get(kind)
    if name is None:
        label = str(Document.Kind(kind).label)
        return label[:1].lower() + label[1:]
    return str(name)


def documents_needed(
    applicant: Applicant, diploma: Document | None, translation: Document | None, transfer_listed: bool
) -> dict[str, bool]:
    english = diploma is not None and diploma.is_english
    return {
        Document.Kind.DIPLOMA: True,
        Document.Kind.TRANSLATION: diploma is not None
        and diploma.status in Document.CURRENT_STATES
        and not english,
        Document.Kind.TRANSFER_TRANSCRIPT: bool(applicant.transfer_years) and transfer_listed,
        Document.Kind.FINAL_TRANSCRIPT: diploma is not None,
    }


def upload_refusal(
    applicant: Applicant, kind: str, *, today: datetime.date, has_application: bool, certified: bool
) -> str | None:
    """The intake gate of ``credentials.services.documents.document_submission_refusal``
    over loaded rows (R-ED-3, R-ED-5)."""
    if kind == Document.Kind.FINAL_TRANSCRIPT:
        return _("Your medical school sends the final transcript to ECFMG directly; ECFMG requests it.")
    if certified:
        return _("Your file is complete: no more documents are needed.")
    if not applicant.usmle_id:
        return _("Get your USMLE/ECFMG ID first.")
    graduated = applicant.graduation_date is not None and applicant.graduation_date <= today
    if not has_application and not graduated:
        when = (
            format_day(applicant.graduation_date) if applicant.graduation_date else _("your graduation date")
        )
        return _(
            "Apply for your first exam first: credentials are sent after it. As a student, you send "
            "your diploma once you have graduated, from %(when)s."
        ) % {"when": when}
    if kind in (Document.Kind.DIPLOMA, Document.Kind.TRANSLATION) and not graduated:
        when = (
            format_day(applicant.graduation_date) if applicant.graduation_date else _("your graduation date")
        )
        return _(
            "As a student, send your diploma once you have graduated and received it, from %(when)s."
        ) % {"when": when}
    return None


_STATUS_MESSAGES: dict[str, Promise] = {
    Document.Status.RECEIVED: gettext_lazy(
        "Nothing to do now: ECFMG will review it. You may still replace it."
    ),
    Document.Status.SENT_FOR_VERIFICATION: gettext_lazy(
        "Nothing to do now: ECFMG asked your medical school to confirm it."
    ),
    Document.Status.VERIFIED: gettext_lazy("Nothing to do: this document is accepted."),
    Document.Status.UNABLE_TO_VERIFY: gettext_lazy(
        "Your medical school could not verify it: see what to do above."
    ),
    Document.Status.REJECTED: gettext_lazy("Upload a new copy that fixes the reason given."),
}


def document_rows(
    applicant: Applicant,
    rows: JourneyRows,
    needed: dict[str, bool],
    *,
    today: datetime.date,
    certified: bool,
) -> tuple[DocumentRow, ...]:
    has_application = bool(rows.applications)
    out = []
    for kind in (*APPLICANT_KINDS, Document.Kind.FINAL_TRANSCRIPT):
        latest = best_document([d for d in rows.documents if d.kind == kind])
        if not needed[kind] and latest is None:
            continue  # neither needed now nor on file: not shown
        refusal = upload_refusal(
            applicant, kind, today=today, has_application=has_application, certified=certified
        )
        locked = latest is not None and latest.status in (
            Document.Status.SENT_FOR_VERIFICATION,
            Document.Status.VERIFIED,
        )
        may_upload = needed[kind] and refusal is None and not locked
        if latest is None:
            status_label = _("Not yet sent")
            message = refusal or _("Upload it with the form below.")
        elif not needed[kind]:
            status_label = _status_label(latest)
            message = (
                _("Not needed: your diploma is in English.") if kind == Document.Kind.TRANSLATION else ""
            )
            may_upload = False
        else:
            status_label = _status_label(latest)
            message = str(_STATUS_MESSAGES.get(latest.status, ""))
            if kind == Document.Kind.FINAL_TRANSCRIPT:
                message = _("Nothing to do: your medical school sent it to ECFMG directly.")
        out.append(
            DocumentRow(
                kind=kind,
                label=str(kind_label(kind)),
                document=latest,
                status_label=status_label,
                message=message,
                may_upload=may_upload,
                language=LANGUAGE_NAMES.get(latest.language.lower(), latest.language) if latest else "",
                issue_date=latest.issue_date if latest else None,
            )
        )
    return tuple(out)


def document_actions(
    actions: list[Action],
    waiting: list[Waiting],
    later: list[Later],
    applicant: Applicant,
    documents: tuple[DocumentRow, ...],
    school_check: SchoolCheck | None,
    today: datetime.date,
) -> None:
    documents_url = reverse("documents")
    for row in documents:
        document = row.document
        rule = {"diploma": "R-ED-6", "translation": "R-ED-7", "transfer_transcript": "R-ED-2"}.get(
            row.kind, "R-ED-8"
        )
        name = kind_name(row.kind)
        if row.kind == Document.Kind.FINAL_TRANSCRIPT:
            continue  # the school's part: see the requirement actions
        if document is None and row.may_upload:
            uploads: dict[str, str] = {
                Document.Kind.DIPLOMA: _(
                    "Upload a scan of your final medical diploma (all pages, front and back)."
                ),
                Document.Kind.TRANSLATION: _(
                    "Upload an official English translation of your diploma (made by a translator, not by yourself)."
                ),
                Document.Kind.TRANSFER_TRANSCRIPT: _("Upload the transcript of your transfer school."),
            }
            text = uploads[row.kind]
            actions.append(
                Action(
                    f"upload:{row.kind}", text, documents_url, _("Go to your documents"), Page.DOCUMENTS, rule
                )
            )
        elif (
            document is None
            and row.kind == Document.Kind.DIPLOMA
            and applicant.graduation_date
            and applicant.graduation_date > today
        ):
            later.append(
                Later(
                    _("Send your final diploma once you graduate, from %(on)s.")
                    % {"on": format_day(applicant.graduation_date)},
                    applicant.graduation_date,
                )
            )
        elif document is not None and document.status == Document.Status.REJECTED and row.may_upload:
            if document.status_reason:
                text = _("ECFMG did not accept your %(document)s: %(reason)s. Upload a new copy.") % {
                    "document": name,
                    "reason": document.status_reason.rstrip("."),
                }
            else:
                text = _("ECFMG did not accept your %(document)s. Upload a new copy.") % {"document": name}
            actions.append(
                Action(
                    f"replace:{row.kind}",
                    text,
                    documents_url,
                    _("Go to your documents"),
                    Page.DOCUMENTS,
                    rule,
                )
            )
        elif document is not None and document.status == Document.Status.RECEIVED:
            waiting.append(
                Waiting(
                    rule,
                    _("ECFMG is reviewing your %(document)s.") % {"document": name},
                    "ECFMG",
                    timezone.localdate(document.created_at),
                )
            )
        elif document is not None and document.status == Document.Status.SENT_FOR_VERIFICATION:
            who = school_check.school_name if school_check else _("your medical school")
            since = school_check.sent_on if school_check else local_day(document.reviewed_at)
            if school_check and school_check.state == SchoolVerificationRequest.Status.ANSWERED:
                waiting.append(
                    Waiting(
                        rule,
                        _("ECFMG is evaluating your school's answer about your %(document)s.")
                        % {"document": name},
                        "ECFMG",
                        school_check.answered_on,
                    )
                )
            else:
                waiting.append(
                    Waiting(
                        "R-ED-8",
                        _("Your medical school is confirming your %(document)s.") % {"document": name},
                        who,
                        since,
                    )
                )
