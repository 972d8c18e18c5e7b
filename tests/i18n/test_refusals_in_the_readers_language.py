"""Refusals the applicant reads are written in the active language (issue 16)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from applicants.payments.services import payment_amount_validate
from applicants.services.identity import field_names
from applicants.services.ledger import ledger_post
from applicants.services.profile import identity_problems
from applicants.tests.factories import ApplicantFactory
from credentials.uploads import UploadRateLimited, upload_rate_check
from ecfmg_portal.errors import DomainError


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("en", "You have sent the most files we accept in one hour (0). Please try again in "),
        (
            "es",
            "Ha enviado el número máximo de archivos que aceptamos en una hora (0). Vuelva a intentarlo dentro de ",
        ),
        (
            "ar",
            "لقد أرسلت الحد الأقصى من الملفات التي نقبلها في الساعة الواحدة (0). يُرجى المحاولة مرة أخرى بعد ",
        ),
    ],
)
def test_the_upload_rate_limit_speaks_the_active_language(settings, language, start):
    settings.UPLOADS_PER_HOUR = 0
    with translation.override(language), pytest.raises(UploadRateLimited) as refused:
        upload_rate_check(user_id=1, joined_at="t")
    assert refused.value.code == "upload_rate_limited"
    assert refused.value.message.startswith(start)


def test_the_identity_forms_refusals_name_each_field_in_the_active_language():
    values = {"given_names": "María", "last_name": "", "academic_years": "4.2"}
    with translation.override("es"):
        _, spanish = identity_problems(values=values, today=datetime.date(2026, 5, 4))
    with translation.override("en"):
        _, english = identity_problems(values=values, today=datetime.date(2026, 5, 4))
    assert spanish.keys() == english.keys()
    assert english["last_name"] == "Enter your last name exactly as on your diploma."
    assert spanish["last_name"] == "Indique su apellido exactamente como figura en su diploma."
    assert spanish["academic_years"] == (
        "Indique los años académicos en la facultad que otorga su título con una precisión de medio año, "
        "por ejemplo 4 o 4.5."
    )
    assert spanish["country"] == "Elija su país de ciudadanía."


def test_a_missing_identity_detail_is_named_in_the_active_language():
    with translation.override("ar"):
        assert field_names(["given_names", "school"]) == "الأسماء الأولى، الكلية"
    with translation.override("en"):
        assert field_names(["given_names", "school"]) == "given names, school"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "too_much", "nothing"),
    [
        (
            "en",
            "You can pay at most your outstanding balance, $1,000.00.",
            "You have no outstanding balance to pay.",
        ),
        (
            "pt",
            "Você pode pagar no máximo o seu saldo pendente, $1,000.00.",
            "Você não tem nenhum saldo pendente a pagar.",
        ),
        (
            "ar",
            "يمكنك أن تدفع بحدٍّ أقصى رصيدك المستحق، $1,000.00.",
            "ليس عليك أي رصيد مستحق للدفع.",
        ),
    ],
)
def test_the_payment_refusals_speak_the_active_language(language, too_much, nothing):
    owes, owes_nothing = ApplicantFactory(), ApplicantFactory()
    ledger_post(applicant=owes, kind="charge", amount=Decimal("1000.00"), description="Step 1 fee")
    with translation.override(language):
        with pytest.raises(DomainError) as above:
            payment_amount_validate(applicant=owes, amount=Decimal("1000.01"))
        with pytest.raises(DomainError) as none_owed:
            payment_amount_validate(applicant=owes_nothing, amount=Decimal("10.00"))
    assert (above.value.message, none_owed.value.message) == (too_much, nothing)
