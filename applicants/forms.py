"""Forms of the applicant portal. They check formats; the services check the rules."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from applicants.models import Applicant, User
from applicants.services.identity import LOCKED_IDENTITY_FIELDS
from credentials.forms import DocumentFilesField, MultipleFileInput
from credentials.models import School
from credentials.services.documents import APPLICANT_KINDS
from exams.models import Exam

SCHOOL_RESULTS_LIMIT = 30


def schools_matching(query: str, *, limit: int = SCHOOL_RESULTS_LIMIT) -> QuerySet[School]:
    """Schools whose name, city, country code or IMED id contains every word of ``query``."""
    schools = School.objects.all()
    words = query.split()[:5]
    if not words:
        return schools.none()
    for word in words:
        schools = schools.filter(
            Q(name__icontains=word)
            | Q(city__icontains=word)
            | Q(imed_id__iexact=word)
            | Q(country__iexact=word)
        )
    return schools.order_by("name")[:limit]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SignUpForm(BaseUserCreationForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a confirmation link to this address. You will also use it to log in."),
    )

    class Meta:
        model = User
        fields = ("email",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's form puts autofocus on the login field; the skip link must stay the
        # first Tab stop of every page (WCAG 2.4.1, tests/browser/test_keyboard_flows.py).
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["password1"].label = _("Password")
        self.fields["password1"].help_text = _(
            "At least 10 characters. Do not use only numbers, a common password, or your e-mail address."
        )
        self.fields["password2"].label = _("Password again")
        self.fields["password2"].help_text = _("Type the same password again, to avoid typing mistakes.")

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def validate_unique(self) -> None:
        # Never "already registered" on the page: the sign-up service e-mails an existing
        # address instead (issue 12), so the page cannot tell who has an account.
        return None


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form with the e-mail address as the user name. The field keeps the
    name ``username``: django-axes reads it to count failures per account."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is not correct. Check both and try again. "
            "After 5 failed attempts the account is locked for a while."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New e-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="We ask for it to make sure it is really you.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your current password.")
        return password


def _school_choices(schools: list[School], chosen: School | None) -> list[tuple[str, str]]:
    """Only the chosen school and the search results, so a directory of thousands of
    schools is never sent to a phone. The field still accepts any school of the
    directory (its queryset is the whole directory)."""
    options = [("", "Choose a school from the search results")]
    seen: set[int] = set()
    for school in ([chosen] if chosen else []) + schools:
        if school.pk not in seen:
            seen.add(school.pk)
            options.append(
                (str(school.pk), f"{school.name}, {school.city} ({school.country}) {school.imed_id}")
            )
    return options


class IdentityForm(forms.Form):
    given_names = forms.CharField(
        label="Given names",
        max_length=200,
        help_text="All given names, exactly as on your diploma (same spelling, same order).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label="Last name (family name)",
        max_length=200,
        help_text="Exactly as on your diploma.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label="Date of birth", widget=DateInput(), help_text="Format: YYYY-MM-DD."
    )
    country = forms.ChoiceField(
        label="Country of citizenship", choices=[("", "Choose a country"), *countries]
    )
    school = forms.ModelChoiceField(
        label="Medical school that grants (or granted) your degree",
        queryset=School.objects.all(),
        widget=forms.Select(attrs={"data-school-select": "school"}),
        help_text="Search the directory by name, city or IMED id, then choose your school.",
        empty_label=None,
    )
    graduation_date = forms.DateField(
        label="Graduation date",
        widget=DateInput(),
        help_text="The date on your diploma. If you are still a student, the date you expect to graduate.",
    )
    academic_years = forms.IntegerField(
        label="Academic years of credit at this school",
        min_value=0,
        max_value=10,
        initial=0,
        help_text="Years of the medical curriculum completed at the school above (0 to 10).",
    )
    transfer_school = forms.ModelChoiceField(
        label="Transfer school (only if you transferred credit)",
        queryset=School.objects.all(),
        required=False,
        widget=forms.Select(attrs={"data-school-select": "transfer_school"}),
        empty_label=None,
        help_text="The other medical school where you earned credit that counts for your degree.",
    )
    transfer_years = forms.IntegerField(
        label="Academic years of transfer credit",
        min_value=0,
        max_value=10,
        initial=0,
        required=False,
        help_text="0 if you did not transfer.",
    )

    def __init__(
        self,
        *args: Any,
        applicant: Applicant,
        school_results: list[School] | None = None,
        transfer_results: list[School] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "given_names": applicant.given_names,
                "last_name": applicant.last_name,
                "date_of_birth": applicant.date_of_birth,
                "country": applicant.country,
                "school": applicant.school_id,
                "graduation_date": applicant.graduation_date,
                "academic_years": applicant.academic_years,
                "transfer_school": applicant.transfer_school_id,
                "transfer_years": applicant.transfer_years,
            },
        )
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.fields["school"].widget.choices = _school_choices(school_results or [], applicant.school)
        transfer = _school_choices(transfer_results or [], applicant.transfer_school)
        transfer[0] = ("", "No transfer school")
        self.fields["transfer_school"].widget.choices = transfer
        if applicant.usmle_id:
            for name in LOCKED_IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = "Locked since your ID was issued. To correct it, send a request."

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["transfer_years"] = data.get("transfer_years") or 0
        return data


class ChangeRequestForm(forms.Form):
    """A correction of locked identity details: fill only what must change."""

    prefix = "correction"

    given_names = forms.CharField(label="Correct given names", max_length=200, required=False)
    last_name = forms.CharField(label="Correct last name", max_length=200, required=False)
    date_of_birth = forms.DateField(label="Correct date of birth", required=False, widget=DateInput())
    country = forms.ChoiceField(
        label="Correct country of citizenship",
        choices=[("", "No change"), *countries],
        required=False,
    )
    school = forms.ModelChoiceField(
        label="Correct medical school",
        queryset=School.objects.all(),
        required=False,
        empty_label=None,
        widget=forms.Select(attrs={"data-school-select": "correction-school"}),
    )
    graduation_date = forms.DateField(label="Correct graduation date", required=False, widget=DateInput())
    reason = forms.CharField(
        label="Why must it change?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a typing error, or the name on the diploma is spelled differently.",
    )

    def __init__(self, *args: Any, school_results: list[School] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _school_choices(school_results or [], None)
        choices[0] = ("", "No change")
        self.fields["school"].widget.choices = choices

    def changes(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "reason" and value not in (None, "")
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.changes():
            raise forms.ValidationError("Fill in at least one detail to correct.")
        return cleaned


class ExamApplicationForm(forms.Form):
    exam = forms.ChoiceField(choices=Exam.choices, widget=forms.HiddenInput)


LANGUAGE_CHOICES = [
    ("en", "English"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("zh", "Chinese"),
    ("fr", "French"),
    ("de", "German"),
    ("hi", "Hindi"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("fa", "Persian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("es", "Spanish"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("other", "Another language"),
]


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which document?",
        choices=[(k.value, k.label) for k in APPLICANT_KINDS],
    )
    language = forms.ChoiceField(
        label="Language of the document",
        choices=LANGUAGE_CHOICES,
        initial="en",
        help_text="The language the document is written in. A translation must be in English.",
    )
    issue_date = forms.DateField(
        label="Issue date shown on the document", required=False, widget=DateInput(), help_text="If shown."
    )
    file = DocumentFilesField(
        label="File or files",
        help_text=(
            "PDF, JPEG, PNG or TIFF, at most 10 MB each. Scan all pages, front and back: choose several "
            "files (up to 10) for a document of several pages, and check each page before sending."
        ),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
    )

    def clean_language(self) -> str:
        # "Another language" is stored as a non-English marker the services accept.
        value = str(self.cleaned_data["language"])
        return "und" if value == "other" else value

    def clean_issue_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("issue_date")
        return value if isinstance(value, datetime.date) else None
