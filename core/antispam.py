"""Protection of the public forms: per-IP rate limits, a honeypot and a minimum fill time.

Rate limits are counted by ``core.ratelimit``: atomically, in windows aligned to the clock,
in Redis when it is configured and in the database otherwise (or while Redis is down), so a
limit holds however many processes serve the site.

Settings (all optional, read with defaults):

* ``RATE_LIMITS``: ``{scope: (max_requests, period_seconds)}``, merged over ``DEFAULT_RATE_LIMITS``.
* ``ANTISPAM_MIN_FILL_SECONDS`` (3): a public form sent sooner after it was shown is refused.
* ``ANTISPAM_MAX_FORM_AGE`` (2 days): an older form token is renewed and the form shown again.
* ``CLIENT_IP_HEADER`` (None): behind a reverse proxy, the ``request.META`` key the proxy
  sets to the client's address (``core.clientip``; one setting for every per-address feature).
* A form token is good for one successful submission: a script that fetched the form once
  cannot post it again and again.
"""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import ratelimit
from .clientip import client_ip, ip_key

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    # Every POST counts, valid or not, so these leave room for a few corrections.
    "register": (10, 60 * 60),
    "resend_verification": (5, 60 * 60),
    "password_reset": (5, 60 * 60),
    "invite": (20, 60 * 60),
    "login": (20, 10 * 60),
    # Signed-in businesses: generous for people, a wall for scripts.
    "proposal_start": (30, 60 * 60),
    "submit": (30, 60 * 60),
    "message": (120, 60 * 60),
    "project_report": (30, 60 * 60),
    # Anyone: a PDF of the public list that no visitor asked for before is rendered for this
    # one (seconds of WeasyPrint); kept pages and stored files cost nothing and do not count.
    "public_pdf": (60, 60 * 60),
}


# --- Rate limits ----------------------------------------------------------------------------


def rate_for(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_RATE_LIMITS, **getattr(settings, "RATE_LIMITS", {})}
    count, period = limits[scope]
    return int(count), int(period)


def hit(scope: str, request) -> tuple[bool, int]:
    """Count one request of ``scope`` from the request's address (``core.ratelimit``: atomic,
    in fixed windows, on Redis or in the database). Returns (allowed, seconds until the window
    resets)."""
    limit, period = rate_for(scope)
    return ratelimit.hit(scope, ip_key(client_ip(request)), limit, period)


def rate_limited_response(request, scope: str, retry_after: int):
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(
        request, "core/account/rate_limited.html", {"minutes": minutes, "scope": scope}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(scope: str, methods: tuple[str, ...] = ("POST",)):
    """Decorator for a view (function, or ``dispatch`` via ``method_decorator``).

    Requests with one of ``methods`` beyond the scope's limit get HTTP 429 and a clear page
    in the current language. Apply to LoginView with::

        @method_decorator(rate_limit("login"), name="dispatch")
        class LoginView(auth_views.LoginView): ...
    """
    rate_for(scope)  # fail at import time for an unknown scope

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                allowed, retry_after = hit(scope, request)
                if not allowed:
                    return rate_limited_response(request, scope, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RateLimitMixin:
    """For class-based views: set ``rate_limit_scope`` (and ``rate_limit_methods``)."""

    rate_limit_scope: str = ""
    rate_limit_methods: tuple[str, ...] = ("POST",)

    def dispatch(self, request, *args, **kwargs):
        if self.rate_limit_scope and request.method in self.rate_limit_methods:
            allowed, retry_after = hit(self.rate_limit_scope, request)
            if not allowed:
                return rate_limited_response(request, self.rate_limit_scope, retry_after)
        return super().dispatch(request, *args, **kwargs)


# --- Honeypot and minimum fill time ---------------------------------------------------------


class _FillTimeSigner(signing.TimestampSigner):
    def age(self, value: str, form_name: str, max_age: float) -> float:
        """Seconds since ``value`` was signed for ``form_name``; raises BadSignature (or its
        subclass SignatureExpired)."""
        if self.unsign(value, max_age=max_age).split("|", 1)[0] != form_name:
            raise signing.BadSignature("token of another form")
        result = signing.Signer.unsign(self, value)
        _name, timestamp = result.rsplit(self.sep, 1)
        return time.time() - signing.b62_decode(timestamp)


_signer = _FillTimeSigner(salt="kyoso.antispam.form-started")


def make_form_token(form_name: str) -> str:
    """A signed "shown at" token for ``form_name``; a random part makes each one unique, so two
    people who open the form in the same second can each spend their own."""
    return _signer.sign(f"{form_name}|{secrets.token_urlsafe(9)}")


class AntiSpamFormMixin:
    """Adds a honeypot field and a signed "form shown at" token to a public form.

    * The honeypot (``homepage``) is in a ``hidden`` container: people never see or reach it,
      screen readers skip it; simple bots fill in every input they find.
    * ``form_started`` carries the time the form was shown, signed so it cannot be forged;
      a form sent back sooner than ``ANTISPAM_MIN_FILL_SECONDS`` is refused.

    Both refusals are form errors: the page is shown again with everything typed kept (the
    token of the first display is kept too, so sending again after a moment works).
    """

    honeypot_name = "homepage"
    token_name = "form_started"
    antispam_form_name = "public-form"

    antispam_messages = {
        "honeypot": _(
            "This form could not be sent because a field that must stay empty was "
            "filled in (this is how we stop automated spam). Please check your "
            "entries and send the form again."
        ),
        "too_fast": _(
            "This form was sent faster than a person can fill it in, so we did not "
            "accept it (this is how we stop automated spam). Please check your "
            "entries and send it again."
        ),
        "token": _(
            "This form was open for a long time or could not be checked. Please check "
            "your entries and send it again."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_name] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[self.token_name] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            initial=lambda: make_form_token(self.antispam_form_name),
        )

    @property
    def antispam_fields(self):
        return [self[self.honeypot_name], self[self.token_name]]

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != self.honeypot_name]

    def _replace_data(self, **values) -> None:
        data = self.data.copy()
        for name, value in values.items():
            data[self.add_prefix(name)] = value
        self.data = data

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self._errors:
            self._consume_token()

    def _consume_token(self) -> None:
        """A valid form spends its token; the same token sent again is refused as a stale one
        (the form is shown again with a fresh token, everything typed kept)."""
        token = self.data.get(self.add_prefix(self.token_name)) or ""
        max_age = float(getattr(settings, "ANTISPAM_MAX_FORM_AGE", 2 * 24 * 60 * 60))
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        if ratelimit.count(f"antispam-token:{digest}", int(max_age)) > 1:
            self._replace_data(**{self.token_name: make_form_token(self.antispam_form_name)})
            self.add_error(
                None, forms.ValidationError(self.antispam_messages["token"], code="token")
            )

    def clean(self):
        # Errors are added, not raised, so the form's own checks still run and every
        # problem is shown at once.
        cleaned = super().clean()
        min_seconds = float(getattr(settings, "ANTISPAM_MIN_FILL_SECONDS", 3))
        max_age = float(getattr(settings, "ANTISPAM_MAX_FORM_AGE", 2 * 24 * 60 * 60))
        if (self.data.get(self.add_prefix(self.honeypot_name)) or "").strip():
            # A person's browser may have filled it in; clear it so that sending again works.
            self._replace_data(**{self.honeypot_name: ""})
            self.add_error(
                None, forms.ValidationError(self.antispam_messages["honeypot"], code="honeypot")
            )
            return cleaned
        token = self.data.get(self.add_prefix(self.token_name)) or ""
        try:
            age = _signer.age(token, self.antispam_form_name, max_age=max_age)
        except signing.BadSignature:
            self._replace_data(**{self.token_name: make_form_token(self.antispam_form_name)})
            self.add_error(
                None, forms.ValidationError(self.antispam_messages["token"], code="token")
            )
            return cleaned
        if age < min_seconds:
            self.add_error(
                None, forms.ValidationError(self.antispam_messages["too_fast"], code="too_fast")
            )
        return cleaned
