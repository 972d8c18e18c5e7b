"""Request and response shapes of api.md. Input serializers check types and
formats only; the rules (check digit, replay, conflict, matching) are in services."""

from __future__ import annotations

from rest_framework import serializers

from exams.models import Exam, ExamResult, UnmatchedResult

from ..services.results import MAX_SCORE, MIN_SCORE

USMLE_ID_PATTERN = r"^[0-9]{8}$"


# --- Errors ----------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    detail = serializers.CharField(help_text="A sentence for a person.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(  # type: ignore[assignment]  # a field, not Serializer.errors
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field of the body; `non_field_errors` for the body as a whole.",
    )


class UnmatchedResultErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=UnmatchedResult.Reason.values, help_text="Which R-EX-8 check refused the result."
    )
    detail = serializers.CharField(help_text="A sentence for a person.")


# --- Exam-results feed ------------------------------------------------------


class ExamResultInputSerializer(serializers.Serializer):
    usmle_id = serializers.RegexField(
        USMLE_ID_PATTERN,
        max_length=8,
        help_text="USMLE/ECFMG ID: 8 digits, the last a Luhn check digit.",
    )
    exam = serializers.ChoiceField(choices=Exam.values)
    test_date = serializers.DateField(help_text="Not in the future.")
    outcome = serializers.ChoiceField(choices=ExamResult.Outcome.values)
    score = serializers.IntegerField(
        min_value=MIN_SCORE, max_value=MAX_SCORE, allow_null=True, required=False, default=None
    )


class ExamResultOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    usmle_id = serializers.CharField(source="applicant.usmle_id")
    exam = serializers.ChoiceField(choices=Exam.values)
    test_date = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ExamResult.Outcome.values)
    score = serializers.IntegerField(allow_null=True)
    recorded_at = serializers.DateTimeField()


# --- Certification Verification Service -------------------------------------


class VerificationInputSerializer(serializers.Serializer):
    usmle_id = serializers.RegexField(USMLE_ID_PATTERN, max_length=8)
    last_name = serializers.CharField(max_length=200, help_text="Compared without regard to case or accents.")
    date_of_birth = serializers.DateField()


class ReportApplicantSerializer(serializers.Serializer):
    given_names = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class ReportCertificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["certified", "not_certified", "revoked"])
    certificate_number = serializers.CharField(allow_null=True)
    exam_requirements_met_on = serializers.DateField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)


class ReportExamSerializer(serializers.Serializer):
    exam = serializers.ChoiceField(choices=Exam.values)
    passed = serializers.BooleanField()
    passed_on = serializers.DateField(
        allow_null=True, help_text="Earliest passing date; scores are never given."
    )


class ReportSchoolSerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2.")


class ReportEducationSerializer(serializers.Serializer):
    school = ReportSchoolSerializer(allow_null=True)
    graduation_year = serializers.IntegerField(allow_null=True)
    credential_status = serializers.ChoiceField(
        choices=[
            "Not yet submitted",
            "Received",
            "Sent for verification",
            "Verified",
            "Unable to verify",
            "Rejected",
        ],
        help_text="Status of the final medical diploma's verification.",
    )


class VerificationReportSerializer(serializers.Serializer):
    """The report exactly as api.md shows it; its stored snapshot is returned as is."""

    id = serializers.UUIDField()
    verification_code = serializers.CharField(
        help_text="Checked by anyone at `/verify/{verification_code}/`."
    )
    generated_at = serializers.DateTimeField()
    usmle_id = serializers.CharField()
    applicant = ReportApplicantSerializer()
    certification = ReportCertificationSerializer()
    exams = ReportExamSerializer(many=True)
    medical_education = ReportEducationSerializer()
