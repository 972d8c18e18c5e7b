"""The organizations' API (api.md). Thin: parse, call a service, shape the answer."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from exams.models import ExamResult

from ..selectors import verification_report_for_organization, verification_report_json_for_organization
from ..services.reports import verification_report_create, verification_report_pdf
from ..services.results import exam_result_submit
from .authentication import ApiClient, ApiKeyAuthentication
from .parsers import JSONOnlyNegotiation, LimitedJSONParser
from .permissions import PostsExamResults, RequestsVerifications
from .serializers import (
    ErrorSerializer,
    ExamResultInputSerializer,
    ExamResultOutputSerializer,
    UnmatchedResultErrorSerializer,
    ValidationErrorSerializer,
    VerificationInputSerializer,
    VerificationReportSerializer,
)
from .throttles import ApiKeyRateThrottle

# Documented on every endpoint; the schema hook adds the Retry-After and
# WWW-Authenticate headers to the 429 and 401 answers.
_COMMON_ERRORS: dict[int, OpenApiResponse] = {
    401: OpenApiResponse(ErrorSerializer, description="No key, or an unknown or revoked key."),
    403: OpenApiResponse(ErrorSerializer, description="A valid key without the right for this endpoint."),
    429: OpenApiResponse(ErrorSerializer, description="Over this key's rate limit; see `Retry-After`."),
}
_BODY_ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Invalid body, with a message per field."),
    413: OpenApiResponse(ErrorSerializer, description="Body larger than the limit (16 KiB by default)."),
    415: OpenApiResponse(ErrorSerializer, description="The body is not `application/json`."),
}
_REPORT_ID = OpenApiParameter(
    "report_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The `id` of the report."
)
_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="Not found, or not yours: the two are never told apart."
)

EXAMPLE_USMLE_ID = "10000008"


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    parser_classes = [LimitedJSONParser]
    throttle_classes = [ApiKeyRateThrottle]
    content_negotiation_class = JSONOnlyNegotiation

    def client(self, request: Request) -> ApiClient:
        assert isinstance(request.user, ApiClient)  # guaranteed by the permission classes
        return request.user


class ExamResultFeedView(ApiView):
    permission_classes = [PostsExamResults]

    @extend_schema(
        operation_id="exam_results_create",
        summary="Report an exam result (results feed)",
        description=(
            "Stores one USMLE result. Replaying the same result answers 200 and stores nothing; "
            "the same `usmle_id`+`exam`+`test_date` with another outcome or score answers 409. "
            "A result must belong to a real sitting (R-EX-8): an application of that Step whose "
            "eligibility period contains the test date, on or after the day the ID was issued, a "
            "Step not already passed, and a score that agrees with the outcome under the passing "
            "standard in force on the test date; otherwise 422 with a `code`, and the result waits "
            "for staff. A recorded pass can complete the requirements: certification follows by itself."
        ),
        tags=["Exam-results feed"],
        request=ExamResultInputSerializer,
        examples=[
            OpenApiExample(
                "A pass",
                value={
                    "usmle_id": EXAMPLE_USMLE_ID,
                    "exam": "STEP1",
                    "test_date": "2025-06-01",
                    "outcome": "pass",
                    "score": 240,
                },
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(ExamResultOutputSerializer, description="Stored."),
            200: OpenApiResponse(
                ExamResultOutputSerializer, description="Replay: already stored, nothing new."
            ),
            **_BODY_ERRORS,
            **_COMMON_ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description="A different result is stored for this sitting."
            ),
            422: OpenApiResponse(
                UnmatchedResultErrorSerializer,
                description=(
                    "R-EX-8 refused the result: `code` says which check. The result is kept for "
                    "ECFMG staff and counts for nothing."
                ),
                examples=[
                    OpenApiExample(
                        "No application covers the test date",
                        value={
                            "code": "no_matching_application",
                            "detail": "No application for USMLE Step 1 has an eligibility period "
                            "containing 1 June 2025 without a result already. The result is kept "
                            "for ECFMG staff and counts for nothing.",
                        },
                        response_only=True,
                        status_codes=["422"],
                    )
                ],
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ExamResultInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result, created = exam_result_submit(**serializer.validated_data, source=ExamResult.Source.FEED)
        return Response(
            ExamResultOutputSerializer(result).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VerificationCreateView(ApiView):
    permission_classes = [RequestsVerifications]

    @extend_schema(
        operation_id="verifications_create",
        summary="Verify an applicant's certification status",
        description=(
            "USMLE ID, last name (case- and accent-insensitive) and date of birth must all match "
            "one applicant; otherwise 404, the same answer whichever was wrong. Every request is "
            "recorded. The report never contains scores."
        ),
        tags=["Certification Verification Service"],
        request=VerificationInputSerializer,
        examples=[
            OpenApiExample(
                "A request",
                value={"usmle_id": EXAMPLE_USMLE_ID, "last_name": "NUNEZ", "date_of_birth": "1990-03-14"},
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(VerificationReportSerializer, description="The report."),
            **_BODY_ERRORS,
            **_COMMON_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="No applicant matches all three."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = VerificationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = verification_report_create(api_key=self.client(request).api_key, **serializer.validated_data)
        return Response(report.payload, status=status.HTTP_201_CREATED)


class VerificationDetailView(ApiView):
    permission_classes = [RequestsVerifications]

    @extend_schema(
        operation_id="verifications_retrieve",
        summary="Read a report again",
        description="The report as it was generated, to the organization that asked for it.",
        tags=["Certification Verification Service"],
        parameters=[_REPORT_ID],
        responses={200: VerificationReportSerializer, **_COMMON_ERRORS, 404: _NOT_FOUND},
    )
    def get(self, request: Request, report_id: str) -> Response:
        stored = verification_report_json_for_organization(
            organization=self.client(request).organization, report_id=report_id
        )
        # Decoded here and rendered by the API's renderer as every answer is (about 20 us):
        # the same bytes as the report's first reading.
        return Response(json.loads(stored))


class VerificationPdfView(ApiView):
    permission_classes = [RequestsVerifications]

    @extend_schema(
        operation_id="verifications_pdf",
        summary="The report as a PDF",
        description=(
            "The same report as a PDF, printed with its verification code and the address of "
            "the public page where anyone can check it."
        ),
        tags=["Certification Verification Service"],
        parameters=[_REPORT_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            **_COMMON_ERRORS,
            404: _NOT_FOUND,
        },
    )
    def get(self, request: Request, report_id: str) -> Any:
        report = verification_report_for_organization(
            organization=self.client(request).organization, report_id=report_id
        )
        response = HttpResponse(verification_report_pdf(report=report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="verification-{report.pk}.pdf"'
        return response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def api_not_found(request: Request) -> Response:
    """No such endpoint: the API's own 404 body rather than the site's HTML page."""
    return Response({"code": "not_found", "detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
