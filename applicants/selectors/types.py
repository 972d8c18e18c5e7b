"""The applicant's journey as typed, frozen values: what every applicant page, the
applicant e-mails and the staff view of an applicant render (docs/decisions/0008)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from certificates.rules import Assessment

if TYPE_CHECKING:
    from certificates.models import Certificate
    from credentials.models import Document
    from exams.models import ExamApplication, ExamResult


class JourneyState(StrEnum):
    """Where the applicant stands, first match wins (``applicant_journey``)."""

    NO_ID = "no_id"  # no confirmed address or no USMLE/ECFMG ID yet
    NOT_APPLIED = "not_applied"  # an ID, no exam application yet
    IN_PROGRESS = "in_progress"  # applied: exams, documents or money still to do
    WAITING = "waiting"  # nothing for the applicant to do: ECFMG or the school has it
    OWES = "owes"  # every requirement met but the balance (R-PAY-2)
    ELIGIBLE = "eligible"  # every requirement met: the certificate is being issued
    CERTIFIED = "certified"
    REVOKED = "revoked"


class Page(StrEnum):
    """The page an action is done on (each has one URL name)."""

    ACCOUNT = "account"
    IDENTITY = "identity"
    EXAMS = "exams"
    DOCUMENTS = "documents"
    LEDGER = "ledger"
    CERTIFICATE = "certificate_detail"
    SUPPORT = "support"  # an e-mail to ECFMG support (mailto link)


@dataclass(frozen=True)
class Action:
    """One thing the applicant can do now, with where to do it."""

    key: str  # stable: "confirm_email", "identity", "upload:diploma", "apply:STEP1", "pay"...
    text: str
    url: str
    link_text: str
    page: Page
    rule: str = ""  # the requirement it serves (domain.md), when there is one


@dataclass(frozen=True)
class Waiting:
    """A requirement in someone else's hands: who has it and since when."""

    rule: str
    text: str
    who: str
    since: datetime.date | None


@dataclass(frozen=True)
class Later:
    """Something the applicant will do, but not before a date (e.g. a student's diploma)."""

    text: str
    on: datetime.date | None


@dataclass(frozen=True)
class DocumentRow:
    """One kind of document on the documents page: only kinds needed now are shown."""

    kind: str
    label: str
    document: Document | None
    status_label: str
    message: str  # what to do, or why nothing is to be done
    may_upload: bool
    language: str  # the language name given with the upload ("French"), or ""
    issue_date: datetime.date | None


@dataclass(frozen=True)
class StepRow:
    """One Step on the exams page."""

    exam: str
    label: str
    fee: Decimal
    passed_on: datetime.date | None
    status: str
    applications: tuple[ExamApplication, ...]
    results: tuple[ExamResult, ...]
    attempts_used: int
    open_application: ExamApplication | None
    refusal: str | None  # None: the applicant may apply for it now

    @property
    def passed(self) -> bool:
        return self.passed_on is not None


@dataclass(frozen=True)
class SchoolCheck:
    """The latest verification of the diploma with the school (R-ED-8)."""

    state: str
    label: str
    school_name: str
    sent_on: datetime.date
    reminders: int
    last_reminder_on: datetime.date | None
    answered_on: datetime.date | None
    decided_on: datetime.date | None
    reason: str


@dataclass(frozen=True)
class StatusCheck:
    """Who checked the applicant's status (R-VE-1), one line per organization."""

    organization: str
    kind: str
    count: int
    last_on: datetime.date


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime
    text: str


@dataclass(frozen=True)
class Journey:
    state: JourneyState
    # When there is no action: what is happening instead (always a full sentence).
    headline: str
    actions: tuple[Action, ...]
    waiting: tuple[Waiting, ...]
    later: tuple[Later, ...]
    assessment: Assessment
    balance: Decimal
    certificate: Certificate | None
    documents: tuple[DocumentRow, ...]
    current_documents: tuple[Document, ...]
    steps: tuple[StepRow, ...]
    applications: tuple[ExamApplication, ...]
    school_check: SchoolCheck | None
    timeline: tuple[TimelineEvent, ...] = field(default=())

    @property
    def next_action(self) -> Action | None:
        """The one thing to do first: what every page and e-mail names."""
        return self.actions[0] if self.actions else None

    def actions_on(self, page: Page) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.page == page)

    @property
    def uploadable_kinds(self) -> tuple[str, ...]:
        return tuple(row.kind for row in self.documents if row.may_upload)

    @property
    def is_revoked(self) -> bool:
        return self.state == JourneyState.REVOKED
