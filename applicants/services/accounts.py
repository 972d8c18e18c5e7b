"""Accounts: sign-up and proof that the applicant reads the e-mail address they gave.

A confirmation link carries a signed, timestamped token (``TimestampSigner``) that
names the account, the address it had when the link was made and the address to
confirm. Signing up confirms the same address; changing the address confirms a new
one, and the login address changes only when the link is opened. No table holds
tokens: a link is valid for ``EMAIL_TOKEN_MAX_AGE`` and is void once the account's
address changed in between.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.models import Applicant, User
from applicants.services.language import user_language_set
from applicants.services.profile import applicant_create_for_user
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError
from ecfmg_portal.i18n import language_of

EMAIL_TOKEN_SALT = "applicants.email-confirmation"  # noqa: S105 (a salt, not a secret)
EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 3


def _normalise(email: str) -> str:
    return email.strip().lower()


def email_is_taken(*, email: str, exclude_user: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=_normalise(email))
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.exists()


def user_sign_up(*, email: str, password: str, language: str = "") -> tuple[User, Applicant]:
    """Create the account (unconfirmed) and its applicant record. The password is
    checked by the form with Django's validators before this is called. ``language``
    (the page's, at sign-up) is saved for the portal and the e-mails (docs/i18n.md)."""
    email = _normalise(email)
    if email_is_taken(email=email):
        raise Conflict(
            "email_taken",
            _("An account with this e-mail address already exists. Log in, or reset your password."),
            field="email",
        )
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password)
        if language:
            user_language_set(user=user, language=language)
        audit_record(action="user.signed_up", obj=user, actor=user)
        applicant = applicant_create_for_user(user=user)
    return user, applicant


def account_sign_up(*, email: str, password: str, language: str = "") -> None:
    """Sign-up that reveals nothing about which addresses have an account: a new address
    gets its account and the confirmation link; an address that already has an account
    gets an e-mail saying so, with the password-reset link. The page says the same
    "check your e-mail" either way, and the password is hashed either way, so neither
    the answer nor its timing tells the two apart."""
    if email_is_taken(email=email):
        make_password(password)  # the same work as creating the account
        _existing_account_notice(email=_normalise(email), language=language)
        return
    user, _applicant = user_sign_up(email=email, password=password, language=language)
    email_confirmation_send(user=user)


def _existing_account_notice(*, email: str, language: str) -> None:
    reset_url = settings.SITE_URL + reverse("password_reset")
    login_url = settings.SITE_URL + reverse("login")
    with translation.override(language or None):
        subject = _("You already have an account")
        body = (
            _("Hello,")
            + "\n\n"
            + _(
                "Someone, probably you, tried to create an ECFMG Certification Portal account with this address."
            )
            + " "
            + _("This address already has an account, so no new account was created.")
            + "\n\n"
            + _("Log in:")
            + f" {login_url}\n"
            + _("Forgot your password? Choose a new one here:")
            + f" {reset_url}\n\n"
            + _("If this was not you, you can ignore this message: nothing has changed.")
            + "\n\n"
            + _("Questions? Write to %(support)s.") % {"support": settings.SUPPORT_EMAIL}
            + "\n"
        )
    send_mail(subject, body, None, [email])


def email_confirmation_token(*, user: User, new_email: str | None = None) -> str:
    signer = signing.TimestampSigner(salt=EMAIL_TOKEN_SALT)
    return signer.sign_object({"u": user.pk, "from": user.email, "to": _normalise(new_email or user.email)})


def email_confirmation_link(*, user: User, new_email: str | None = None) -> str:
    token = email_confirmation_token(user=user, new_email=new_email)
    return settings.SITE_URL + reverse("confirm_email", kwargs={"token": token})


def email_confirmation_send(*, user: User, new_email: str | None = None) -> None:
    """Mail the confirmation link to the address to confirm."""
    link = email_confirmation_link(user=user, new_email=new_email)
    to = _normalise(new_email or user.email)
    changing = new_email is not None and to != user.email
    with translation.override(language_of(user)):
        subject = _("Confirm your new e-mail address") if changing else _("Confirm your e-mail address")
        body = (
            _("Hello,")
            + "\n\n"
            + (
                _("You asked to use this address for your ECFMG Certification Portal account.")
                if changing
                else _("Thank you for creating an account on the ECFMG Certification Portal.")
            )
            + "\n"
            + _("Open this link to confirm the address (it works for 3 days):")
            + f"\n\n{link}\n\n"
            + _("If you did not ask for this, you can ignore this message.")
            + "\n"
        )
    send_mail(subject, body, None, [to])


def email_change_request(*, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; the login address changes when it is opened.
    The current address is told, so a stolen session cannot move the account silently."""
    new_email = _normalise(new_email)
    if new_email == user.email:
        raise DomainError("email_unchanged", _("This is already your e-mail address."), field="email")
    if email_is_taken(email=new_email, exclude_user=user):
        raise Conflict("email_taken", _("Another account uses this e-mail address."), field="email")
    email_confirmation_send(user=user, new_email=new_email)
    with translation.override(language_of(user)):
        subject = _("Your e-mail address is about to change")
        body = (
            _("Hello,")
            + "\n\n"
            + _(
                "Someone signed in to your ECFMG Certification Portal account asked to change its "
                "e-mail address. The change happens only when the link sent to the new address is opened."
            )
            + "\n"
            + _("If this was not you, change your password now.")
            + "\n"
        )
    send_mail(subject, body, None, [user.email])


def email_confirm(*, token: str, actor: Any = None) -> User:
    """Confirm the address named in the token (and switch to it when it is a new one)."""
    signer = signing.TimestampSigner(salt=EMAIL_TOKEN_SALT)
    try:
        payload = signer.unsign_object(token, max_age=EMAIL_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError(
            "token_expired", _("This link has expired. Log in and ask for a new confirmation link.")
        ) from None
    except signing.BadSignature:
        raise DomainError(
            "token_invalid",
            _("This link is not valid. Copy the whole link from the e-mail, or ask for a new one."),
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=payload.get("u")).first()
        if user is None or user.email != payload.get("from"):
            raise DomainError(
                "token_invalid",
                _("This link is no longer valid because the account's e-mail address has changed."),
            )
        new_email = payload["to"]
        if user.email == new_email and user.email_confirmed_at is not None:
            return user
        if new_email != user.email and email_is_taken(email=new_email, exclude_user=user):
            raise Conflict("email_taken", _("Another account now uses this e-mail address."))
        changed = new_email != user.email
        user.email = new_email
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email", "email_confirmed_at"])
        audit_record(
            action="user.email_changed" if changed else "user.email_confirmed",
            obj=user,
            actor=actor if getattr(actor, "is_authenticated", False) else user,
        )
    return user
