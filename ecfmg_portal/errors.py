"""The one domain error type.

Services raise ``DomainError`` with a machine code and a sentence for a person.
Views turn it into a form error or a message, the API into a JSON response
(``ecfmg_portal.api.exception_handler``): one translation each, in one place.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable; ``message`` is for people."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class NotFound(DomainError):
    """Not found, or not yours: the two are never told apart."""

    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class Conflict(DomainError):
    """Conflicts with what is stored."""

    status = 409
