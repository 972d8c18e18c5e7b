"""The language switcher's target (templates/_language_switcher.html)."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from applicants.services.language import user_language_set


@require_POST
def language_set(request: HttpRequest) -> HttpResponseBase:
    """Django's ``set_language`` (cookie, safe ``next`` redirect), and for a signed-in user
    the choice saved on the account, so it follows them to other devices and their e-mails."""
    response = set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
