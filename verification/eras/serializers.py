"""The ERAS API's JSON shapes. ``StatusReportSerializer`` is also the webhook body,
so a pulled report and a pushed one are the same document. Its sections are the
Certification Verification Service report's (api.md), minus the date of birth."""

from __future__ import annotations

from rest_framework import serializers

from verification.api.serializers import (
    ReportCertificationSerializer,
    ReportEducationSerializer,
    ReportExamSerializer,
)
from verification.models import Organization

from .models import MAX_PROGRAMS_PER_REQUEST


class ApplicationsInputSerializer(serializers.Serializer):
    usmle_id = serializers.CharField(max_length=8, help_text="The applicant's USMLE/ECFMG ID (8 digits).")
    season = serializers.CharField(max_length=4, help_text="ERAS season: the year residency starts.")
    programs = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=MAX_PROGRAMS_PER_REQUEST,
        help_text="ACGME program ids of the programs applied to.",
    )


class ReceivedApplicationSerializer(serializers.Serializer):
    acgme_program_id = serializers.CharField(source="application.program.acgme_program_id")
    received_at = serializers.DateTimeField(source="application.received_at")
    created = serializers.BooleanField(help_text="False when this application was already recorded.")


class ApplicationsOutputSerializer(serializers.Serializer):
    usmle_id = serializers.CharField()
    season = serializers.CharField()
    applications = ReceivedApplicationSerializer(many=True)


class ErasApplicantSerializer(serializers.Serializer):
    given_names = serializers.CharField(allow_blank=True, help_text="As on the diploma.")
    last_name = serializers.CharField(help_text="As on the diploma.")


class StatusReportSerializer(serializers.Serializer):
    """One version of an applicant's electronic status report for one program."""

    id = serializers.UUIDField(source="public_id")
    version = serializers.IntegerField(help_text="1 for the first report of an application, then +1.")
    generated_at = serializers.DateTimeField()
    season = serializers.CharField(source="application.season")
    acgme_program_id = serializers.CharField(source="program.acgme_program_id")
    usmle_id = serializers.CharField(source="payload.usmle_id")
    applicant = ErasApplicantSerializer(source="payload.applicant")
    certification = ReportCertificationSerializer(source="payload.certification")
    exams = ReportExamSerializer(source="payload.exams", many=True, help_text="Passed or not; never a score.")
    medical_education = ReportEducationSerializer(source="payload.medical_education")


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=200, help_text="http(s) URL that receives each new report.")
    rotate_secret = serializers.BooleanField(default=False, help_text="Issue a new signing secret.")


class WebhookStateSerializer(serializers.Serializer):
    url = serializers.CharField(source="webhook_url", help_text="Empty when reports are not pushed.")
    has_secret = serializers.SerializerMethodField(help_text="Whether a signing secret exists.")

    def get_has_secret(self, program: Organization) -> bool:
        return bool(program.webhook_secret)


class WebhookOutputSerializer(serializers.Serializer):
    url = serializers.CharField(source="webhook_url")
    secret = serializers.CharField(
        source="webhook_secret", help_text="HMAC-SHA256 key of X-ECFMG-Signature. Keep it secret."
    )
