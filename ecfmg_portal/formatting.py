"""One date style and one money style for pages, e-mails and PDFs.

"1 December 2026" reads the same to readers of every country (no 12/01 against
01/12), and "$1,000.00" is the only way an amount is written. Templates use the
filters ``|day`` and ``|money`` (registered as builtins in the settings, so no
``{% load %}`` is needed); Python code calls ``format_day`` and ``format_money``.
The month name follows the active language, like every other word on the page.

Ground floor: this module imports Django only, never an app.
"""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import get_language

register = template.Library()

CENT = Decimal("0.01")


def format_day(value: datetime.date | datetime.datetime | str | None) -> str:
    """ "1 December 2026"; an aware datetime is shown on the portal's local day. An ISO
    date string (as stored in report payloads) is read first; anything else is shown as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.date.fromisoformat(text[:10])
        except ValueError:
            return text
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return _day_in(get_language(), value)


@functools.lru_cache(maxsize=4096)
def _day_in(language: str | None, day: datetime.date) -> str:
    # A page writes the same few days again and again (the dashboard: 26 on a certified
    # applicant's), and Django's formatting with its month-name lookup cost more than
    # the rest of the date filter. The month names change only with a deploy.
    return dateformat.format(day, "j F Y")


def format_money(value: Decimal | int | str | None) -> str:
    """ "$1,000.00", and "-$25.00" for a credit; exact to the cent (Decimal, half up)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 attempt", "3 attempts": never "attempt(s)"."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


@register.filter(name="day")
def day_filter(value: datetime.date | datetime.datetime | str | None) -> str:
    return format_day(value)


@register.filter(name="money")
def money_filter(value: Decimal | int | str | None) -> str:
    return format_money(value)


@register.simple_tag(name="support_email")
def support_email_tag() -> str:
    """The support address, for templates rendered without a request (the 500 page)."""
    return str(settings.SUPPORT_EMAIL)
