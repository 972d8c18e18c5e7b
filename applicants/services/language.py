"""The language saved on an account (docs/i18n.md): the portal's and the e-mails' language."""

from __future__ import annotations

from applicants.models import User
from ecfmg_portal.i18n import supported_language


def user_language_set(*, user: User, language: str) -> bool:
    """Save ``language`` (one of ``settings.LANGUAGES``) on the account; False if unsupported.

    A preference, not a record: no audit row. One UPDATE, none when it is already saved.
    """
    code = supported_language(language)
    if code is None:
        return False
    if user.language != code:
        User.objects.filter(pk=user.pk).update(language=code)
        user.language = code
    return True
