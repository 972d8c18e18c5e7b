"""The one refusal type inside the sandbox, carried back to the web process as code + sentence."""

from __future__ import annotations


class Refusal(Exception):
    """The file is refused; ``message`` tells the applicant what to send instead."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
