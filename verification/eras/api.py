"""The ERAS endpoints (R-VE-2). Thin: parse, call a service or selector, shape the answer.

- ``POST /api/v1/eras/applications/``: the ERAS feed reports an applicant's applications.
- ``GET /api/v1/eras/reports/`` and ``.../reports/{id}/``: a program pulls its reports.
- ``GET|PUT|DELETE /api/v1/eras/webhook/``: a program configures where reports are pushed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound as InvalidCursor
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from ecfmg_portal.errors import NotFound
from verification.api.permissions import _KeyPermission
from verification.api.serializers import ErrorSerializer, ValidationErrorSerializer
from verification.api.views import _BODY_ERRORS, _COMMON_ERRORS, _NOT_FOUND, ApiView
from verification.models import Organization

from .models import StatusReport
from .selectors import program_report, program_reports
from .serializers import (
    ApplicationsInputSerializer,
    ApplicationsOutputSerializer,
    StatusReportSerializer,
    WebhookInputSerializer,
    WebhookOutputSerializer,
    WebhookStateSerializer,
)
from .services import feed_may_submit, program_webhook_configure, residency_applications_receive

TAG = "ERAS status reports"


class SubmitsErasApplications(_KeyPermission):
    message = "Only the ERAS feed's key may submit residency applications."

    def allows(self, organization: Organization) -> bool:
        return feed_may_submit(organization=organization)


class IsResidencyProgram(_KeyPermission):
    message = "Only residency programs' keys may read status reports or configure a webhook."

    def allows(self, organization: Organization) -> bool:
        return organization.kind == Organization.Kind.RESIDENCY_PROGRAM and bool(
            organization.acgme_program_id
        )


class _ProgramView(ApiView):
    permission_classes = [IsResidencyProgram]

    def program(self, request: Request) -> Organization:
        return self.client(request).organization


class ApplicationsFeedView(ApiView):
    permission_classes = [SubmitsErasApplications]

    @extend_schema(
        operation_id="eras_applications_create",
        summary="Report an applicant's residency applications (ERAS feed)",
        description=(
            "Records the applications an applicant made through ERAS for one season, each program "
            "named by its ACGME program id. Every new application at once receives the applicant's "
            "electronic status report (version 1), and a new version whenever the status changes "
            "(exam passed, credential verified, certified, revoked). Replaying applications already "
            "recorded answers 200 and records nothing; 201 when at least one is new. An unknown or "
            "malformed `usmle_id`, a season outside this year to two years ahead, or any unknown "
            "program answers 400 and records nothing. Only the ERAS feed's service key may call it."
        ),
        tags=[TAG],
        request=ApplicationsInputSerializer,
        examples=[
            OpenApiExample(
                "Applications to two programs",
                value={"usmle_id": "10000008", "season": "2027", "programs": ["1404121001", "1404121002"]},
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(
                ApplicationsOutputSerializer, description="At least one application is new."
            ),
            200: OpenApiResponse(ApplicationsOutputSerializer, description="Replay: all already recorded."),
            **_BODY_ERRORS,
            **_COMMON_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ApplicationsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        received = residency_applications_receive(
            feed=self.client(request).organization,
            usmle_id=data["usmle_id"],
            season=data["season"],
            program_ids=data["programs"],
        )
        body = ApplicationsOutputSerializer(
            {"usmle_id": data["usmle_id"], "season": data["season"], "applications": received}
        ).data
        created = any(r.created for r in received)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ReportPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Any) -> Any:
        # DRF checks the offset but passes the position to the id filter as it came: a
        # hand-made cursor with p=abc was a 500. Positions this API gives are ids.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not str(cursor.position).isdigit():
            raise InvalidCursor(self.invalid_cursor_message)
        return cursor


class ReportListView(_ProgramView, ListAPIView):
    serializer_class = StatusReportSerializer
    pagination_class = ReportPagination

    @extend_schema(
        operation_id="eras_reports_list",
        summary="This program's status reports, newest first",
        description=(
            "Every version of every report sent to the calling program, newest first, a page at a "
            "time (follow `next`). `since` keeps the reports generated at or after a timestamp. "
            "A program sees only its own reports."
        ),
        tags=[TAG],
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="ISO 8601 timestamp with zone; only reports generated at or after it.",
            )
        ],
        responses={
            200: StatusReportSerializer(many=True),
            400: OpenApiResponse(ValidationErrorSerializer, description="`since` is not a timestamp."),
            **_COMMON_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="`cursor` is not one this API gave."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[StatusReport]:
        raw = self.request.query_params.get("since")
        since = None
        if raw is not None:
            try:
                since = parse_datetime(raw)
            except ValueError:
                since = None
            if since is None or since.tzinfo is None:
                raise ValidationError(
                    {"since": ["An ISO 8601 timestamp with zone, e.g. 2026-11-01T00:00:00Z."]}
                )
        return program_reports(program=self.program(self.request), since=since)


class ReportDetailView(_ProgramView):
    @extend_schema(
        operation_id="eras_reports_retrieve",
        summary="One status report version",
        description="The same document the webhook delivered. Another program's report is not found.",
        tags=[TAG],
        responses={
            200: StatusReportSerializer,
            **_COMMON_ERRORS,
            404: _NOT_FOUND,
        },
    )
    def get(self, request: Request, report_id: str) -> Response:
        report = program_report(program=self.program(request), public_id=report_id)
        if report is None:
            raise NotFound()
        return Response(StatusReportSerializer(report).data)


class WebhookView(_ProgramView):
    @extend_schema(
        operation_id="eras_webhook_retrieve",
        summary="Where this program's reports are pushed",
        tags=[TAG],
        responses={200: WebhookStateSerializer, **_COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(WebhookStateSerializer(self.program(request)).data)

    @extend_schema(
        operation_id="eras_webhook_update",
        summary="Set the webhook URL (and get the signing secret)",
        description=(
            "From now on every new report version is POSTed to `url` as JSON, signed: "
            '`X-ECFMG-Signature: sha256=<hex HMAC-SHA256 of "<X-ECFMG-Timestamp>.<body>">` with '
            "the `secret` returned here; `X-ECFMG-Delivery` identifies the delivery. Answer 2xx "
            "quickly. Connection errors, timeouts, 408, 429 and 5xx are retried with exponential "
            "backoff; other answers fail the delivery. A version is delivered at most once. The "
            "secret is created on the first call and kept unless `rotate_secret` is true. The URL "
            "must be http(s) and must not point to a private or local network address."
        ),
        tags=[TAG],
        request=WebhookInputSerializer,
        examples=[
            OpenApiExample(
                "Set the URL", value={"url": "https://gme.example.org/ecfmg/reports"}, request_only=True
            )
        ],
        responses={200: WebhookOutputSerializer, **_BODY_ERRORS, **_COMMON_ERRORS},
    )
    def put(self, request: Request) -> Response:
        serializer = WebhookInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        program = program_webhook_configure(program=self.program(request), **serializer.validated_data)
        return Response(WebhookOutputSerializer(program).data)

    @extend_schema(
        operation_id="eras_webhook_destroy",
        summary="Stop pushing reports",
        description="Reports are no longer pushed; they stay available through the API.",
        tags=[TAG],
        request=None,
        responses={204: OpenApiResponse(description="Removed."), **_COMMON_ERRORS},
    )
    def delete(self, request: Request) -> Response:
        program_webhook_configure(program=self.program(request), url="")
        return Response(status=status.HTTP_204_NO_CONTENT)
