"""Text built in Python (the journey's next steps, the exams page's states, refusals, form
labels, flash messages) speaks the active language and keeps its English words in English
(issue 16, docs/i18n.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from applicants.forms import DocumentUploadForm
from applicants.selectors import applicant_journey
from applicants.tests.factories import ApplicantFactory
from applicants.tests.portal_helpers import logged_in, make_new_applicant
from credentials.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _speaking(language: str):
    applicant = ApplicantFactory()
    applicant.user.language = language
    applicant.user.save(update_fields=["language"])
    return applicant


def test_the_journeys_next_step_is_worded_in_the_active_language():
    applicant = ApplicantFactory()
    with translation.override("es"):
        spanish = applicant_journey(applicant).next_action
    with translation.override("en"):
        english = applicant_journey(applicant).next_action
    assert spanish is not None and english is not None
    assert spanish.key == english.key == "upload:diploma"
    assert english.text == "Upload a scan of your final medical diploma (all pages, front and back)."
    assert spanish.text == (
        "Cargue una copia escaneada de su diploma final de medicina (todas las páginas, anverso y reverso)."
    )
    assert spanish.link_text == "Ir a sus documentos"


def test_the_exams_page_states_and_refusals_speak_arabic(client):
    applicant = _speaking("ar")
    html = logged_in(client, applicant).get(reverse("exams")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "لم تتقدّم بعد" in html  # "Not applied yet", built in applicants.views.exams
    assert "بصفتك خريجًا، أرسل شهادة تخرجك النهائية" in html  # the credentials refusal
    assert "Not applied yet" not in html


def test_form_labels_and_choices_follow_the_language():
    with translation.override("fr"):
        form = DocumentUploadForm()
        assert str(form.fields["language"].label) == "Langue du document"
        assert dict(form.fields["language"].choices)["es"] == "Espagnol"
    with translation.override("en"):
        assert str(DocumentUploadForm().fields["language"].label) == "Language of the document"


def test_a_flash_message_is_in_the_accounts_language(client):
    applicant = _speaking("es")
    applicant.user.email_confirmed_at = None
    applicant.user.save(update_fields=["email_confirmed_at"])
    response = logged_in(client, applicant).post(reverse("resend_confirmation"), follow=True)
    assert (
        f"Le hemos enviado un nuevo enlace de confirmación a {applicant.user.email}."
        in response.content.decode()
    )


def test_the_documents_page_names_each_kind_and_state_in_the_accounts_language(client):
    applicant = _speaking("pt")
    html = logged_in(client, applicant).get(reverse("documents")).content.decode()
    assert "<h2>Diploma final de medicina</h2>" in html
    assert "Ainda não enviado" in html
    assert "Final medical diploma" not in html


@pytest.mark.parametrize(
    ("language", "found", "none"),
    [
        ("en", "2 schools found: choose yours in the list below.", "No school found."),
        ("ru", "Найдено 2 вуза: выберите свой в списке ниже.", "Вуз не найден."),
        ("ar", "عُثر على كليتين: اختر كليتك من القائمة أدناه.", "لم يُعثر على أي كلية."),
    ],
)
def test_the_school_search_says_how_many_it_found_in_the_applicants_plural_forms(
    client, language, found, none
):
    """The count sentence comes with the results (static/js only shows it), so each
    language gets its own plural form, not English glued around a number."""
    applicant = make_new_applicant()
    applicant.user.language = language
    applicant.user.save(update_fields=["language"])
    SchoolFactory(name="Cairo University Faculty of Medicine", city="Cairo", country="EG")
    SchoolFactory(name="Ain Shams Faculty of Medicine", city="Cairo", country="EG")
    logged_in(client, applicant)
    two = client.get(reverse("school_search"), {"q": "cairo"}).content.decode()
    nothing = client.get(reverse("school_search"), {"q": "zzzz"}).content.decode()
    assert f'data-status="{found}"' in two
    assert f'data-status="{none}"' in nothing
    identity = client.get(reverse("identity")).content.decode()
    assert 'data-too-short="' in identity and 'data-failed="' in identity
    if language != "en":
        assert "Type at least 2 letters." not in identity
