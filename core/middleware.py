"""The first middleware: stamp the arrival and a reference on every request, answer /healthz.

It runs before everything else (sessions, the database, the public page cache), so:

* ``request.arrived_at`` is as close as the application can get to when the request reached
  us (``core.arrival``: a trusted proxy's stamp when configured);
* ``request.reference`` is a short id sent back in ``X-Request-ID`` and printed on our error
  page, so the desk can find the request in the log when someone phones;
* ``/healthz`` (liveness: the process answers) costs no database, cache or template.
  ``/status`` is the readiness page with the dependencies.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.utils import timezone

from .arrival import arrival_from

HEALTHZ = "/healthz"


def new_reference() -> str:
    return uuid.uuid4().hex[:12]


class RequestStampMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()
        request.arrived_at = arrival_from(request.META, now)
        request.reference = new_reference()
        if request.path == HEALTHZ:
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
        else:
            response = self.get_response(request)
        response["X-Request-ID"] = request.reference
        return response
