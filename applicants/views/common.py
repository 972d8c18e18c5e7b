"""What every applicant page shares: who the applicant is, and how a refusal is shown."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from applicants.models import Applicant
from applicants.selectors.journey_rows import journey_applicant_of_user
from applicants.services.profile import applicant_create_for_user
from ecfmg_portal.errors import DomainError

if TYPE_CHECKING:
    from applicants.models import User

View = Callable[..., HttpResponseBase]


def show_domain_error(request: HttpRequest, error: DomainError, form: forms.BaseForm | None = None) -> None:
    """The one place a refusal becomes visible: next to the field it names when the
    page has a form with that field, otherwise at the top of the form or the page."""
    if form is not None:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    else:
        messages.error(request, error.message)


def current_applicant(request: HttpRequest) -> Applicant:
    """The signed-in applicant, loaded once with what the journey reads from its row
    (``journey_applicants``), and cached on the user so the page header reuses it."""
    user: User = request.user  # type: ignore[assignment]
    applicant = journey_applicant_of_user(user)
    if applicant is None:
        try:
            return user.applicant
        except ObjectDoesNotExist:
            return applicant_create_for_user(user=user)
    user.applicant = applicant
    return applicant


def applicant_required(view: View) -> View:
    """Log-in required; the view receives the applicant of the account."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, current_applicant(request), *args, **kwargs)

    return wrapper
