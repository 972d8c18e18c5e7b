"""Issue 12, items 1, 9, 10 and 14: the house around the applicant's journey."""

from __future__ import annotations

import datetime
import pathlib
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from applicants.tests.portal_helpers import logged_in, make_graduate
from ecfmg_portal.formatting import format_day, format_money, plural

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_one_date_style_and_one_money_style() -> None:
    assert format_day(datetime.date(2026, 12, 1)) == "1 December 2026"
    assert format_day(None) == ""
    assert format_money(Decimal("1000")) == "$1,000.00"
    assert format_money(Decimal("-25.5")) == "-$25.50"
    assert format_money(Decimal("0.005")) == "$0.01"
    assert plural(1, "attempt") == "1 attempt" and plural(3, "attempt") == "3 attempts"


def test_a_remembered_day_is_written_as_django_writes_it_in_each_language() -> None:
    """``format_day`` remembers what it wrote per language and day; every day of a leap
    year, in every language and back, reads as Django's formatting writes it now."""
    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
    for language, _name in [*settings.LANGUAGES, settings.LANGUAGES[0]]:
        with translation.override(language):
            for _ in range(2):  # written, then remembered
                assert [format_day(day) for day in days] == [dateformat.format(day, "j F Y") for day in days]
            moment = timezone.make_aware(datetime.datetime(2024, 12, 31, 23, 30), datetime.UTC)
            assert format_day(moment) == dateformat.format(timezone.localdate(moment), "j F Y")
    with translation.override("es"):
        assert format_day(datetime.date(2026, 12, 1)) == "1 diciembre 2026"
    assert format_day(datetime.date(2026, 12, 1)) == "1 December 2026"


def test_the_filters_need_no_load_in_any_template() -> None:
    rendered = Template("{{ d|day }} {{ m|money }}").render(
        Context({"d": datetime.date(2026, 12, 1), "m": Decimal("1000.00")})
    )
    assert rendered == "1 December 2026 $1,000.00"


@pytest.mark.django_db
def test_the_footer_gives_the_support_address(client: Client, settings) -> None:
    settings.SUPPORT_EMAIL = "help@ecfmg.example"
    page = client.get(reverse("login")).content.decode()
    assert 'href="mailto:help@ecfmg.example"' in page
    assert "Write to ECFMG support and" not in page


@pytest.mark.django_db
def test_logging_out_says_so(client: Client) -> None:
    applicant = make_graduate()
    logged_in(client, applicant)
    response = client.post(reverse("logout"), follow=True)
    assert "You are logged out." in response.content.decode()


@pytest.mark.django_db
def test_the_navigation_has_the_certificate_and_a_menu_button(client: Client) -> None:
    logged_in(client, make_graduate())
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("certificate_detail")}"' in page.split('aria-label="Main"')[1]
    assert 'class="nav-toggle"' in page and 'aria-controls="site-nav-list"' in page


@pytest.mark.django_db
def test_an_unknown_page_is_the_branded_404(client: Client, settings) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert (
        "Page not found" in page and "ECFMG Certification Portal" in page and settings.SUPPORT_EMAIL in page
    )


def test_the_500_page_is_branded_and_gives_the_support_address() -> None:
    from django.template.loader import get_template

    page = get_template("500.html").render({})
    assert "ECFMG Certification Portal" in page and f"mailto:{settings.SUPPORT_EMAIL}" in page
    assert "favicon.svg" in page


@pytest.mark.django_db
def test_every_page_has_a_favicon(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "8101"}, "SITE_URL=http://127.0.0.1:8101"),
        ({"PORT": "8101", "SITE_URL": "https://portal.example"}, "SITE_URL=https://portal.example"),
    ],
)
def test_make_run_gives_the_demo_a_site_url_for_its_port(env: dict[str, str], expected: str) -> None:
    """Item 1: e-mailed links, the QR code and the banner point at the port being served."""
    import os

    result = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}, **env},
        check=True,
    )
    commands = [line for line in result.stdout.splitlines() if "seed_demo" in line or "runserver" in line]
    assert len(commands) == 2 and all(line.startswith(expected + " ") for line in commands)
