"""Log lines that say which request they belong to."""

from __future__ import annotations

import logging


class RequestReferenceFilter(logging.Filter):
    """Adds ``reference``: the request's ``X-Request-ID`` (``core.middleware``) when the record
    carries its request (Django's request and server-error records do), else "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.reference = getattr(request, "reference", None) or getattr(record, "reference", "-")
        return True
