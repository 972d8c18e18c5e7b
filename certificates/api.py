"""``POST /api/v1/credentials/verify`` (api.md "Verifiable certificates"): public, no key,
rate limited per client address; the body is a certificate PDF or a credential."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from verification.api.parsers import JSONOnlyNegotiation, RequestBodyTooLarge
from verification.api.serializers import ErrorSerializer

from .public_views import CredentialVerifyThrottle
from .trust_sources import PortalSources
from .verifier import VERDICTS, verify_file


class _BoundedRawParser(BaseParser):
    """The body as bytes, at most ``CREDENTIAL_VERIFY_MAX_BYTES`` (else 413); the
    verifier parses it itself, within its own limits."""

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        limit: int = settings.CREDENTIAL_VERIFY_MAX_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise _TooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise _TooLarge()
        return bytes(raw)


class _TooLarge(RequestBodyTooLarge):
    def __init__(self) -> None:
        super(RequestBodyTooLarge, self).__init__(
            f"The body is larger than {settings.CREDENTIAL_VERIFY_MAX_BYTES} bytes: no certificate is."
        )


class PdfBodyParser(_BoundedRawParser):
    media_type = "application/pdf"


class JsonBodyParser(_BoundedRawParser):
    media_type = "application/json"


class CredentialJsonBodyParser(_BoundedRawParser):
    media_type = "application/vc+ld+json"


class CheckSerializer(serializers.Serializer):
    check = serializers.CharField(
        help_text="What was checked: PDF signature, credential key, signature, status…"
    )
    passed = serializers.BooleanField()
    detail = serializers.CharField(help_text="In plain words.")


class VerifiedCredentialSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The certificate's public verification page.")
    issuer = serializers.CharField(help_text="ECFMG's DID.")
    valid_from = serializers.CharField()
    nameOnDiploma = serializers.CharField()
    usmleId = serializers.CharField()
    certificateNumber = serializers.CharField()
    examRequirementsMetOn = serializers.DateField()
    dateEntered = serializers.DateField()


class VerificationOutcomeSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=VERDICTS)
    summary = serializers.CharField(help_text="The verdict in plain words.")
    revoked_on = serializers.DateField(allow_null=True)
    checks = CheckSerializer(many=True)
    credential = VerifiedCredentialSerializer(
        allow_null=True, help_text="What the certificate states, once its signature verified; else null."
    )


class CredentialVerifyView(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes = [CredentialVerifyThrottle]
    parser_classes = [PdfBodyParser, JsonBodyParser, CredentialJsonBodyParser]
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        operation_id="credentials_verify",
        summary="Verify a certificate PDF or Verifiable Credential (public)",
        description=(
            "Send the certificate PDF (`application/pdf`) or its credential "
            "(`application/json` or `application/vc+ld+json`) as the body. Checks the PDF's "
            "signature against ECFMG's certificate, the credential's eddsa-rdfc-2022 proof "
            "against ECFMG's DID document (`/.well-known/did.json`), and its entry in ECFMG's "
            "public status list. Nothing the file names is fetched. No key is needed; the "
            "rate is limited per client address."
        ),
        tags=["Verifiable certificates"],
        auth=[],
        request={
            "application/pdf": OpenApiTypes.BINARY,
            "application/json": OpenApiTypes.OBJECT,
            "application/vc+ld+json": OpenApiTypes.OBJECT,
        },
        responses={
            200: VerificationOutcomeSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Empty body."),
            413: OpenApiResponse(
                ErrorSerializer, description="Body larger than the limit (2 MiB by default)."
            ),
            415: OpenApiResponse(ErrorSerializer, description="Neither a PDF nor JSON."),
            429: OpenApiResponse(
                ErrorSerializer, description="Over the rate for this address; see `Retry-After`."
            ),
        },
        examples=[
            OpenApiExample(
                "Revoked",
                response_only=True,
                value={
                    "verdict": "revoked",
                    "summary": "Revoked: ECFMG issued this certificate but revoked it on 03 March 2026.",
                    "revoked_on": "2026-03-03",
                    "checks": [
                        {
                            "check": "status",
                            "passed": False,
                            "detail": "ECFMG's public revocation list marks this certificate revoked on 03 March 2026.",
                        }
                    ],
                    "credential": None,
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body: Any
        try:
            body = request.data
        except ParseError:
            body = b""
        if not isinstance(body, bytes) or not body:
            return Response(
                {"code": "empty_body", "detail": "Send the certificate PDF or credential as the body."},
                status=400,
            )
        outcome = verify_file(body, PortalSources())
        return Response(outcome.as_dict())
