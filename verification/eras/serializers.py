"""The ERAS API's JSON shapes. ``StatusReportSerializer`` is also the webhook body,
so a pulled report and a pushed one are byte-for-byte the same document."""

from __future__ import annotations

from rest_framework import serializers

from exams.models import Exam
from verification.models import Organization

from .models import MAX_PROGRAMS_PER_REQUEST
from .selectors import CERTIFIED, CREDENTIAL_STATUSES, NOT_CERTIFIED, REVOKED


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


class _ApplicantSerializer(serializers.Serializer):
    given_names = serializers.CharField(help_text="As on the diploma.")
    last_name = serializers.CharField(help_text="As on the diploma.")


class _CertificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[CERTIFIED, NOT_CERTIFIED, REVOKED])
    certificate_number = serializers.CharField(allow_null=True)
    exam_requirements_met_on = serializers.DateField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)


class _ExamSerializer(serializers.Serializer):
    exam = serializers.ChoiceField(choices=Exam.values)
    passed = serializers.BooleanField()
    passed_on = serializers.DateField(allow_null=True)


class _SchoolSerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2.")


class _MedicalEducationSerializer(serializers.Serializer):
    school = _SchoolSerializer(allow_null=True)
    graduation_year = serializers.IntegerField(allow_null=True)
    credential_status = serializers.ChoiceField(choices=list(CREDENTIAL_STATUSES))


class StatusReportSerializer(serializers.Serializer):
    """One version of an applicant's electronic status report for one program."""

    id = serializers.UUIDField(source="public_id")
    version = serializers.IntegerField(help_text="1 for the first report of an application, then +1.")
    generated_at = serializers.DateTimeField()
    season = serializers.CharField(source="application.season")
    acgme_program_id = serializers.CharField(source="program.acgme_program_id")
    usmle_id = serializers.CharField(source="payload.usmle_id")
    applicant = _ApplicantSerializer(source="payload.applicant")
    certification = _CertificationSerializer(source="payload.certification")
    exams = _ExamSerializer(source="payload.exams", many=True, help_text="Passed or not; never a score.")
    medical_education = _MedicalEducationSerializer(source="payload.medical_education")


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
