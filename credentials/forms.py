"""The school official's answer form (shape only; the rules are in the service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from credentials.models import SchoolVerificationRequest
from credentials.uploads import MAX_PARTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentFilesField(forms.FileField):
    """One or several files for one document (the pages of a scan, front and back).

    Cleans to a list of uploads, in the order the browser sent them; more than
    ``MAX_PARTS`` is refused with the form's usual message.
    """

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in data if f] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_PARTS:
            raise forms.ValidationError(f"Send at most {MAX_PARTS} files for one document.", code="too_many")
        return [super(DocumentFilesField, self).clean(f, initial) for f in files]


class SchoolAnswerForm(forms.Form):
    # Lazy: the page shows each label in the school's language and in English (docs/i18n.md).
    answer = forms.ChoiceField(
        label=_("Is this diploma authentic?"),
        choices=SchoolVerificationRequest.Answer.choices,
        widget=forms.RadioSelect,
    )
    official_name = forms.CharField(label=_("Your full name"), max_length=200)
    official_title = forms.CharField(label=_("Your title or position"), max_length=200)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything ECFMG should know, for example why the diploma cannot be confirmed."),
    )
    transcript = forms.FileField(
        label=_("Final medical school transcript"),
        required=False,
        help_text=_("Required when you confirm the diploma. PDF, JPEG, PNG or TIFF, at most 10 MB."),
    )


class ChangeContactForm(forms.Form):
    email = forms.EmailField(label="New verification contact e-mail")


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why is the request cancelled?", widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome the applicant sees",
        choices=[("unable_to_verify", "Unable to verify"), ("rejected", "Rejected")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason the applicant sees, with what to do next",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DocumentDecisionForm(forms.Form):
    to_status = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason the applicant sees, with what to do next (required to reject)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices  # type: ignore[attr-defined]
