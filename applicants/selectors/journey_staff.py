"""The applicant's journey worded for staff: who has the next move, and since when.

Derived only from ``applicant_journey`` (docs/decisions/0008), so the staff file names
the same next action as the applicant's dashboard: the applicant's actions keep
their text (staff read what the applicant reads) and gain an owner and a date; what
waits on ECFMG or the school keeps its owner and the date it has waited since.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from .types import Journey, JourneyState


class Owner(StrEnum):
    APPLICANT = "applicant"
    ECFMG = "ECFMG"
    SCHOOL = "school"


@dataclass(frozen=True)
class StaffMove:
    """One line of the staff checklist: whose move it is, what it is, since when."""

    owner: Owner
    who: str  # "Applicant", "ECFMG", or the school's name
    text: str
    rule: str
    since: datetime.date | None
    key: str = ""  # the journey action's key; "" for a wait on ECFMG or the school


STAGES: dict[JourneyState, str] = {
    JourneyState.NO_ID: "No USMLE/ECFMG ID yet",
    JourneyState.NOT_APPLIED: "ID issued, no exam application yet",
    JourneyState.IN_PROGRESS: "In progress: the applicant has something to do",
    JourneyState.WAITING: "Waiting on ECFMG or the school",
    JourneyState.OWES: "Every requirement met but the balance",
    JourneyState.ELIGIBLE: "Eligible: the certificate is being issued",
    JourneyState.CERTIFIED: "Certified",
    JourneyState.REVOKED: "Certificate revoked",
}


@dataclass(frozen=True)
class StaffView:
    state: JourneyState
    stage: str  # the state in staff's words
    headline: str
    moves: tuple[StaffMove, ...]  # the applicant's actions first (the next one leads), then waits

    @property
    def next_move(self) -> StaffMove | None:
        return self.moves[0] if self.moves else None


def staff_view(journey: Journey, *, opened_on: datetime.date) -> StaffView:
    """``opened_on`` is the day the file was opened (the account's creation): the
    applicant has had their moves since the last change recorded on the file, or
    since then when nothing has happened yet."""
    last_change = timezone.localdate(journey.timeline[0].at) if journey.timeline else opened_on
    moves = [
        StaffMove(Owner.APPLICANT, "Applicant", action.text, action.rule, last_change, action.key)
        for action in journey.actions
    ]
    for wait in journey.waiting:
        owner = Owner.ECFMG if wait.who == "ECFMG" else Owner.SCHOOL
        who = "Medical school" if wait.who == "your medical school" else wait.who
        moves.append(StaffMove(owner, who, wait.text, wait.rule, wait.since))
    return StaffView(
        state=journey.state,
        stage=STAGES[journey.state],
        headline=journey.headline,
        moves=tuple(moves),
    )
