"""How django-axes sees a sign-in attempt: who (the account) and from where (the address).

* The address is the one every per-address feature uses (``core.clientip``), or None when
  the request carries none (axes stores IP addresses only).
* The account is the e-mail address as the login compares it — lower-cased, without the
  spaces around it — so typing ``BUSINESS@EXAMPLE.JP`` does not buy five more guesses than
  ``business@example.jp``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

from .clientip import client_ip


def axes_client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``."""
    value = client_ip(request)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value


def axes_username(request, credentials) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the account an attempt was for, as the login matches it."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    value = None
    if credentials:
        value = credentials.get(field)
    if value is None and request is not None:
        value = request.POST.get(field) if hasattr(request, "POST") else None
    return value.strip().lower() if isinstance(value, str) else value
