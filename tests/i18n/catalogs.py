"""The translation catalogs: where they are, what they are extracted from, and reading them.

``python -m tests.i18n.catalogs`` refreshes ``locale/*/LC_MESSAGES/django.po`` from the code
and templates (Django's ``makemessages``, same options as the test that checks nothing is
missing); ``make messages`` compiles them. Staff pages (``templates/admin``, the admin's own
strings) are left to Django's admin catalogs: the portal's catalogs cover what applicants,
schools and verifiers read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent.parent
LOCALE = ROOT / "locale"
# Every language but English (the source): Django's locale names (zh-hans -> zh_Hans).
LOCALES = ("es", "fr", "pt", "ar", "ru", "zh_Hans")
# Plural forms each language has (CLDR, as gettext writes them in the catalog header).
PLURAL_COUNT = {"es": 2, "fr": 2, "pt": 2, "ar": 6, "ru": 3, "zh_Hans": 1}
IGNORE = [
    ".venv/*",
    "var/*",
    "staticfiles/*",
    "tests/*",
    "*/tests/*",
    "*/migrations/*",
    "templates/admin/*",
    "templates/*/admin/*",
    "*/admin.py",
    "*/admin_*.py",
]


def po_path(locale: str, base: Path = LOCALE) -> Path:
    return base / locale / "LC_MESSAGES" / "django.po"


def catalog(locale: str, base: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(po_path(locale, base)), wrapwidth=0)


def extract(*, locales: tuple[str, ...] = LOCALES) -> None:
    """Django's makemessages over the project, into LOCALE_PATHS[0] (``locale/``)."""
    from django.core.management import call_command

    call_command(
        "makemessages",
        locale=list(locales),
        ignore_patterns=IGNORE,
        no_wrap=True,
        no_obsolete=True,
        no_location=False,
        add_location="file",
        verbosity=0,
    )


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecfmg_portal.settings.dev")
    import django

    django.setup()
    extract()
    print(f"Refreshed {', '.join(LOCALES)} in {LOCALE}; translate, then `make messages`.")
