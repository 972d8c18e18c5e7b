"""The translation catalogs cannot rot (issue 16, docs/i18n.md).

Every language the portal offers has a catalog; no message in it is untranslated or fuzzy;
each translation keeps the source's placeholders and markup; plurals have every form the
language needs; every message the code and templates use is in every catalog; and the
compiled ``.mo`` files say what the ``.po`` files say (``make messages``).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.i18n.catalogs import LOCALES, catalog, extract, po_path

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
HREF = re.compile(r'href="([^"]*)"')


def _entries(locale: str) -> list[polib.POEntry]:
    return [entry for entry in catalog(locale) if not entry.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_language_the_portal_offers_has_a_catalog():
    offered = {code for code, _ in settings.LANGUAGES} - {"en"}
    assert {locale.lower().replace("_", "-") for locale in LOCALES} == offered
    for locale in LOCALES:
        assert po_path(locale).exists(), f"{po_path(locale)} is missing"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_message_is_untranslated_or_fuzzy(locale):
    entries = _entries(locale)
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in _translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{locale}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not catalog(locale).metadata_is_fuzzy


@pytest.mark.parametrize("locale", LOCALES)
def test_each_translation_keeps_the_placeholders_markup_and_links_of_its_source(locale):
    problems = []
    for entry in _entries(locale):
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected_placeholders = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for translation in _translations(entry):
            # A plural form may leave the number out ("one second" in Arabic); nothing may be added.
            found = set(PLACEHOLDER.findall(translation))
            if found - expected_placeholders or (not entry.msgid_plural and found != expected_placeholders):
                problems.append(
                    f"{entry.msgid!r}: placeholders {sorted(found)} != {sorted(expected_placeholders)}"
                )
            if Counter(TAG.findall(translation)) != Counter(TAG.findall(entry.msgid)):
                problems.append(f"{entry.msgid!r}: markup differs: {translation!r}")
            if sorted(HREF.findall(translation)) != sorted(HREF.findall(entry.msgid)):
                problems.append(f"{entry.msgid!r}: links differ: {translation!r}")
    assert not problems, f"{locale}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_messages_have_every_form_the_language_needs(locale):
    po = catalog(locale)
    forms = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    for entry in _entries(locale):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), (locale, entry.msgid)


def test_official_names_stay_as_they_are():
    """USMLE, Step 2 CK and ECFMG are names, not words: a translation keeps each one its source has."""
    names = ("USMLE", "ECFMG", "Step 1", "Step 2 CK")
    problems = []
    for locale in LOCALES:
        for entry in _entries(locale):
            for name in names:
                if name in entry.msgid and not all(name in t for t in _translations(entry)):
                    problems.append(f"{locale}: {entry.msgid!r} loses {name}")
    assert not problems, "\n".join(problems)


def test_every_message_the_code_and_templates_use_is_in_every_catalog():
    """Extract again (Django's makemessages, as ``python -m tests.i18n.catalogs`` does): a
    string wrapped for translation but missing from a catalog shows up untranslated.
    makemessages writes into ``locale/`` whatever LOCALE_PATHS says, so the catalogs are
    put back byte for byte afterwards."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is not installed (make browsers installs it).")
    saved = {locale: po_path(locale).read_bytes() for locale in LOCALES}
    try:
        extract()
        missing = {}
        for locale in LOCALES:
            todo = [e.msgid for e in catalog(locale) if not e.obsolete and not e.translated()]
            if todo:
                missing[locale] = todo
    finally:
        for locale, content in saved.items():
            po_path(locale).write_bytes(content)
    assert not missing, (
        "Messages without a translation (run `python -m tests.i18n.catalogs`, translate, `make messages`): "
        + "; ".join(f"{locale}: {todo[:5]}" for locale, todo in missing.items())
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_says_what_the_catalog_says(locale):
    compiled = Path(str(po_path(locale))).with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make messages`"
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(compiled))}
    stale = []
    for entry in _entries(locale):
        built = mo.get((entry.msgctxt, entry.msgid))
        if built is None or _translations(built) != _translations(entry):
            stale.append(entry.msgid)
    assert not stale, f"{compiled} is older than its .po ({stale[:3]}): run `make messages`"
