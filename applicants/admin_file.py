"""Staff pages about one applicant: the whole file (with staff notes), and an identity
correction decided on its own page (current value beside requested value)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from applicants.models import Applicant, IdentityChangeRequest
from applicants.services.notes import MAX_NOTE, staff_note_add
from applicants.services.review import CORRECTION_CLAIMS, identity_correction_decide
from applicants.staff_file import applicant_file
from applicants.workbench_queues import IDENTITY_CORRECTIONS
from ecfmg_portal.errors import DomainError
from ecfmg_portal.workbench.claims import claim_take, claimed_by_others

NEXT_BUTTON = "_next"


class StaffNoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note for colleagues", max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


def _pk(object_id: str) -> int:
    try:
        return int(object_id)
    except ValueError:
        raise Http404 from None


def applicant_file_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    pk = _pk(object_id)
    if not Applicant.objects.filter(pk=pk).exists():
        raise Http404
    form = StaffNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        applicant = Applicant.objects.get(pk=pk)
        try:
            staff_note_add(applicant=applicant, text=form.cleaned_data["text"], author=request.user)
        except DomainError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, "Note added to the file.")
            return HttpResponseRedirect(request.path)
    file = applicant_file(applicant_id=pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"File of {file.applicant.full_name or 'an applicant without a name'}",
        "opts": model_admin.model._meta,
        "file": file,
        "applicant": file.applicant,
        "note_form": form,
    }
    return TemplateResponse(request, "admin/applicants/applicant_file.html", context)


class CorrectionDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note the applicant reads (required to decline; a default is used if empty)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _compare(change_request: IdentityChangeRequest) -> list[tuple[str, Any, Any, bool]]:
    applicant = change_request.applicant
    rows = []
    for field, requested in sorted(change_request.changes.items()):
        try:
            label = getattr(Applicant._meta.get_field(field), "verbose_name", field)
        except FieldDoesNotExist:  # a field no longer on the model: show its name
            label = field
        current = (
            getattr(applicant, f"{field}_id", None)
            if field in ("school", "transfer_school")
            else getattr(applicant, field, "")
        )
        rows.append((str(label).capitalize(), current, requested, str(current) != str(requested)))
    return rows


def identity_correction_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    pk = _pk(object_id)
    change_request = get_object_or_404(
        IdentityChangeRequest.objects.select_related("applicant__school", "decided_by"), pk=pk
    )
    may_decide = model_admin.has_change_permission(request) and (
        change_request.status == IdentityChangeRequest.Status.PENDING
    )
    claim = claim_take(queue=CORRECTION_CLAIMS, object_id=pk, user=request.user) if may_decide else None
    form = CorrectionDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            approve = "approve" in request.POST
            try:
                identity_correction_decide(
                    change_request=change_request,
                    approve=approve,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Correction #{pk} {'approved' if approve else 'declined'}.")
                return HttpResponseRedirect(_next_url(request, pk))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Identity correction #{pk} for {change_request.applicant.full_name}",
        "opts": model_admin.model._meta,
        "change_request": change_request,
        "applicant": change_request.applicant,
        "rows": _compare(change_request),
        "form": form,
        "claim": claim,
        "may_decide": may_decide and claim is not None and claim.mine,
        "queue": IDENTITY_CORRECTIONS,
        "next_button": NEXT_BUTTON,
    }
    return TemplateResponse(request, "admin/applicants/identity_correction.html", context)


def _next_url(request: HttpRequest, done_pk: int) -> str:
    if NEXT_BUTTON in request.POST:
        following = (
            IDENTITY_CORRECTIONS.items()
            .exclude(pk=done_pk)
            .exclude(pk__in=claimed_by_others(queue=CORRECTION_CLAIMS, user=request.user))
            .order_by("created_at", "pk")
            .first()
        )
        if following is not None:
            return reverse("admin:applicants_identitychangerequest_change", args=[following.pk])
        messages.info(request, "That was the last correction waiting.")
    return IDENTITY_CORRECTIONS.url()
