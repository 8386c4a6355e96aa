"""What the foundation does when something happens elsewhere."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import rules


@receiver(user_logged_in, dispatch_uid="core.shorter_staff_sessions")
def shorter_staff_sessions(sender, request, user, **kwargs):
    """The city's people stay signed in for STAFF_SESSION_HOURS (a working day); a business
    keeps the site's default (two weeks)."""
    if request is not None and hasattr(request, "session") and rules.works_for_the_city(user):
        request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
