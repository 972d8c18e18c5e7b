"""Reads for the applicant portal that span several apps: the applicant's journey
(what every applicant page and e-mail renders) and the timeline of the file."""

from __future__ import annotations

from .journey import applicant_journey, support_link
from .journey_rows import journey_applicants, loaded_for_journey
from .journey_staff import Owner, StaffMove, StaffView, staff_view
from .status_checks import status_checks_for_applicant
from .timeline import applicant_timeline
from .types import (
    Action,
    DocumentRow,
    Journey,
    JourneyState,
    Later,
    Page,
    SchoolCheck,
    StatusCheck,
    StepRow,
    TimelineEvent,
    Waiting,
)

__all__ = [
    "Action",
    "DocumentRow",
    "Journey",
    "JourneyState",
    "Later",
    "Owner",
    "Page",
    "SchoolCheck",
    "StaffMove",
    "StaffView",
    "StatusCheck",
    "StepRow",
    "TimelineEvent",
    "Waiting",
    "applicant_journey",
    "applicant_timeline",
    "journey_applicants",
    "loaded_for_journey",
    "staff_view",
    "status_checks_for_applicant",
    "support_link",
]
