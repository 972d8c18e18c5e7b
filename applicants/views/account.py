"""Sign-up, e-mail confirmation and the account page. Log-in, log-out and passwords
are Django's own views (see ``applicants.urls``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from applicants.forms import EmailChangeForm, SignUpForm
from applicants.models import User
from applicants.services.accounts import (
    account_sign_up,
    email_change_request,
    email_confirm,
    email_confirmation_send,
)
from ecfmg_portal.errors import DomainError

from .common import show_domain_error


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "applicants/home.html")


def signup(request: HttpRequest) -> HttpResponse:
    """Always "check your e-mail": whether the address already has an account is said
    only in the e-mail to that address (issue 12), as password reset does."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                language=translation.get_language() or "",
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            return render(request, "registration/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "registration/signup.html", {"form": form})


class PortalLogoutView(LogoutView):
    """Log out, then say so on the next page (the login page)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext("You are logged out. Close the browser if this is a shared computer."))
        return response


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email_confirm(token=token, actor=request.user)
    except DomainError as error:
        show_domain_error(request, error)
        return render(request, "registration/confirm_failed.html", status=400)
    messages.success(request, gettext("Your e-mail address is confirmed."))
    return redirect("dashboard" if request.user.is_authenticated else "login")


@login_required
@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.email_confirmed_at is None:
        email_confirmation_send(user=user)
        messages.success(
            request, gettext("We sent a new confirmation link to %(email)s.") % {"email": user.email}
        )
    else:
        messages.info(request, gettext("Your e-mail address is already confirmed."))
    return redirect("account")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = EmailChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            email_change_request(user=user, new_email=form.cleaned_data["email"])
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request,
                gettext(
                    "We sent a link to %(email)s. Your address changes when you open it; "
                    "until then, log in with your current address."
                )
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("account")
    return render(request, "registration/account.html", {"form": form})
