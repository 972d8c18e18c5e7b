"""Forms of the applicant portal. They check formats; the services check the rules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from applicants.models import Applicant, User
from applicants.services.identity import LOCKED_IDENTITY_FIELDS
from applicants.services.profile import identity_problems
from credentials.forms import DocumentFilesField, MultipleFileInput
from credentials.models import School
from credentials.services.documents import APPLICANT_KINDS
from exams.models import Exam


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
        label=_("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("We ask for it to make sure it is really you."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."))
        return password


def _school_choices(schools: list[School], chosen: list[School]) -> list[tuple[str, str]]:
    """Only the chosen school(s) and the search results, so a directory of thousands of
    schools is never sent to a phone. The field still accepts any school of the
    directory (its queryset is the whole directory)."""
    options = [("", "Choose a school from the search results")]
    seen: set[int] = set()
    for school in [*chosen, *schools]:
        if school.pk not in seen:
            seen.add(school.pk)
            options.append(
                (str(school.pk), f"{school.name}, {school.city} ({school.country}) {school.imed_id}")
            )
    return options


def _posted_schools(data: Any, names: tuple[str, ...]) -> dict[str, School]:
    """The schools a submitted form chose, by field name (one query for all), so a form
    shown again with errors keeps the choice instead of asking for a new search."""
    wanted: dict[str, int] = {}
    for name in names:
        raw = str(data.get(name) or "") if data else ""
        if raw.isascii() and raw.isdigit() and len(raw) < 12:
            wanted[name] = int(raw)
    if not wanted:
        return {}
    found = School.objects.in_bulk(set(wanted.values()))
    return {name: found[pk] for name, pk in wanted.items() if pk in found}


def _years_shown(years: Decimal | int) -> Decimal | int:
    """4 rather than 4.0 in the field; 4.5 stays 4.5."""
    value = Decimal(years)
    return int(value) if value == value.to_integral_value() else value


# A date typed into <input type="date">: the browser shows it in the reader's own order
# (day/month/year or month/day/year), so the hint names no format of its own.
DATE_HINT = _("Use the calendar, or type the day, month and year.")
YEARS_WIDGET_ATTRS = {"step": "0.5", "min": "0", "max": "10", "inputmode": "decimal"}


class IdentityForm(forms.Form):
    """Formats only; ``clean`` asks the identity service for the rules, so every problem,
    of format or of rule, is shown at once (issue 12)."""

    given_names = forms.CharField(
        label=_("Given names"),
        max_length=200,
        help_text=_("All given names, exactly as on your diploma (same spelling, same order)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Last name (family name)"),
        max_length=200,
        help_text=_("Exactly as on your diploma."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        help_text=DATE_HINT,
        error_messages={"invalid": _("Enter your date of birth as a real date.")},
    )
    country = forms.ChoiceField(
        label=_("Country of citizenship"), choices=[("", _("Choose a country")), *countries]
    )
    school = forms.ModelChoiceField(
        label=_("Medical school that grants (or granted) your degree"),
        queryset=School.objects.all(),
        widget=forms.Select(attrs={"data-school-select": "school"}),
        help_text=_(
            "Search the directory by name (also a former name), city, country or IMED id, then choose your school."
        ),
        empty_label=None,
        error_messages={
            "required": _("Search for your medical school and choose it from the list."),
            "invalid_choice": _("Search for your medical school and choose it from the list."),
        },
    )
    graduation_date = forms.DateField(
        label=_("Graduation date"),
        widget=DateInput(),
        help_text=_(
            "The date on your diploma. If you are still a student, the date you expect to graduate. "
            "Use the calendar, or type the day, month and year."
        ),
        error_messages={"invalid": _("Enter your graduation date as a real date.")},
    )
    academic_years = forms.DecimalField(
        label=_("Academic years of credit at this school"),
        max_digits=3,
        decimal_places=1,
        help_text=_(
            "Years of the medical curriculum completed at the school above, to the half year (for example 6 or 4.5)."
        ),
        widget=forms.NumberInput(attrs=YEARS_WIDGET_ATTRS),
        error_messages={
            "required": _("Enter the academic years of credit at your degree school."),
            "invalid": _("Enter the academic years as a number, for example 4 or 4.5."),
            "max_digits": _("Enter the academic years as a number from 0.5 to 10."),
            "max_decimal_places": _("Enter the academic years to the half year, for example 4 or 4.5."),
            "max_whole_digits": _("Enter the academic years as a number from 0.5 to 10."),
        },
    )
    transfer_school = forms.ModelChoiceField(
        label=_("Transfer school (only if you transferred credit)"),
        queryset=School.objects.all(),
        required=False,
        widget=forms.Select(attrs={"data-school-select": "transfer_school"}),
        empty_label=None,
        help_text=_("The other medical school where you earned credit that counts for your degree."),
        error_messages={"invalid_choice": _("Search for the transfer school and choose it from the list.")},
    )
    transfer_years = forms.DecimalField(
        label=_("Academic years of transfer credit"),
        max_digits=3,
        decimal_places=1,
        required=False,
        help_text=_("0 if you did not transfer."),
        widget=forms.NumberInput(attrs=YEARS_WIDGET_ATTRS),
        error_messages={
            "invalid": _("Enter the years of transfer credit as a number, for example 1 or 1.5."),
            "max_digits": _("Enter the years of transfer credit as a number from 0 to 10."),
            "max_decimal_places": _("Enter the years of transfer credit to the half year, for example 1.5."),
            "max_whole_digits": _("Enter the years of transfer credit as a number from 0 to 10."),
        },
    )
    # R-ED-2: transfer credit counts only if the transfer school was listed for these years.
    transfer_credit_first_year = forms.IntegerField(
        label=_("Transfer credit earned from (year)"),
        required=False,
        help_text=_("Only with transfer credit: the first calendar year, for example 2015."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1900", "max": "2100"}),
        error_messages={"invalid": _("Enter a year, for example 2015.")},
    )
    transfer_credit_last_year = forms.IntegerField(
        label=_("Transfer credit earned until (year)"),
        required=False,
        help_text=_("The last calendar year, for example 2017."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1900", "max": "2100"}),
        error_messages={"invalid": _("Enter a year, for example 2017.")},
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
                "academic_years": _years_shown(applicant.academic_years) or None,
                "transfer_school": applicant.transfer_school_id,
                "transfer_years": _years_shown(applicant.transfer_years),
                "transfer_credit_first_year": applicant.transfer_credit_first_year,
                "transfer_credit_last_year": applicant.transfer_credit_last_year,
            },
        )
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        posted = _posted_schools(self.data, ("school", "transfer_school"))
        chosen = [s for s in (posted.get("school"), applicant.school) if s is not None]
        self.fields["school"].widget.choices = _school_choices(school_results or [], chosen)
        chosen_transfer = [s for s in (posted.get("transfer_school"), applicant.transfer_school) if s]
        transfer = _school_choices(transfer_results or [], chosen_transfer)
        transfer[0] = ("", "No transfer school")
        self.fields["transfer_school"].widget.choices = transfer
        if applicant.usmle_id:
            for name in LOCKED_IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = "Locked since your ID was issued. To correct it, send a request."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The rules, for the fields whose format held: their problems join the format
        # errors so the applicant sees everything to correct in one round.
        _, problems = identity_problems(values=self.values_for_check(cleaned), today=timezone.localdate())
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def values_for_check(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        data = dict(cleaned)
        data["transfer_years"] = data.get("transfer_years") or Decimal(0)
        return data

    def values(self) -> dict[str, Any]:
        return self.values_for_check(self.cleaned_data)


class ChangeRequestForm(forms.Form):
    """A correction of locked identity details: fill only what must change."""

    prefix = "correction"

    given_names = forms.CharField(label=_("Correct given names"), max_length=200, required=False)
    last_name = forms.CharField(label=_("Correct last name"), max_length=200, required=False)
    date_of_birth = forms.DateField(label=_("Correct date of birth"), required=False, widget=DateInput())
    country = forms.ChoiceField(
        label=_("Correct country of citizenship"),
        choices=[("", _("No change")), *countries],
        required=False,
    )
    school = forms.ModelChoiceField(
        label=_("Correct medical school"),
        queryset=School.objects.all(),
        required=False,
        empty_label=None,
        widget=forms.Select(attrs={"data-school-select": "correction-school"}),
    )
    graduation_date = forms.DateField(label=_("Correct graduation date"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Why must it change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a typing error, or the name on the diploma is spelled differently."),
    )

    def __init__(self, *args: Any, school_results: list[School] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posted = _posted_schools(self.data, (self.add_prefix("school"),))
        choices = _school_choices(school_results or [], list(posted.values()))
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
            raise forms.ValidationError(_("Fill in at least one detail to correct."))
        return cleaned


class ExamApplicationForm(forms.Form):
    exam = forms.ChoiceField(choices=Exam.choices, widget=forms.HiddenInput)


LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("zh", _("Chinese")),
    ("fr", _("French")),
    ("de", _("German")),
    ("hi", _("Hindi")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("fa", _("Persian")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("other", _("Another language")),
]


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which document?"),
        choices=[(k.value, k.label) for k in APPLICANT_KINDS],
    )
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=LANGUAGE_CHOICES,
        initial="en",
        help_text=_("The language the document is written in. A translation must be in English."),
    )
    issue_date = forms.DateField(
        label=_("Issue date shown on the document"),
        required=False,
        widget=DateInput(),
        help_text=_("If shown."),
    )
    file = DocumentFilesField(
        label=_("File or files"),
        help_text=_(
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
