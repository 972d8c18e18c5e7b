"""What a key may do depends on its organization's kind (api.md)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ..models import ApiKey, Organization


def _organization(request: Request) -> Organization | None:
    return request.auth.organization if isinstance(request.auth, ApiKey) else None


class _KeyPermission(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        # No key at all: False with no user makes DRF answer 401, not 403.
        organization = _organization(request)
        return organization is not None and self.allows(organization)

    def allows(self, organization: Organization) -> bool:
        raise NotImplementedError


class PostsExamResults(_KeyPermission):
    message = "Only the exam-results feed's service key may report exam results."

    def allows(self, organization: Organization) -> bool:
        return organization.can_post_results


class RequestsVerifications(_KeyPermission):
    message = "Only verifying organizations' keys may request or read verification reports."

    def allows(self, organization: Organization) -> bool:
        return organization.can_request_verifications
