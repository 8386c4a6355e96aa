"""Who is asking: the client's address, read the same way by every per-address feature (rate
limits, sign-in lock-outs, the audit log).

Behind a proxy every request comes from the proxy's address. When ``CLIENT_IP_HEADER`` names
the ``request.META`` key of a header the proxy sets (``HTTP_X_REAL_IP``; or
``HTTP_X_FORWARDED_FOR``, whose first address is the client's), that header is believed — set
it only when a proxy you control always overwrites the header, or clients could choose their
own address. Without it, ``REMOTE_ADDR`` is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def header_name() -> str | None:
    return getattr(settings, "CLIENT_IP_HEADER", None)


def client_ip(request) -> str:
    header = header_name()
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    return value or "unknown"


def ip_key(ip: str) -> str:
    """One key per IPv4 address; per /64 for IPv6, since one household or office gets a /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)
