"""Defence in depth: personal data that slips into a log message is masked.

Code must not log names, e-mail addresses or dates of birth in the first place
(fields are listed in each model's ``PERSONAL_DATA``); this filter, attached to
every handler in ``settings.LOGGING``, masks e-mail addresses and calendar dates
(ISO ``1995-04-12``, ``12/04/1995``, ``12.04.1995``) that do. Timestamps with a
time part (``2026-11-25T14:00``) are left alone.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
DATE = re.compile(
    r"(?<![\d-])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})(?![\dT:])",
)
EMAIL_MASK = "[email]"
DATE_MASK = "[date]"


def redact(text: str) -> str:
    return DATE.sub(DATE_MASK, EMAIL.sub(EMAIL_MASK, text))


class RedactPersonalData(logging.Filter):
    """Render the message once, mask it, and keep only the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        masked = redact(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            # Exception messages can carry values too (e.g. an IntegrityError's row).
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
