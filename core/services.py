"""Writes with business meaning on people, organisations and the task runner."""

from __future__ import annotations

import hashlib
import secrets
import socket
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from . import rules
from .links import url_for
from .mail import queue_email
from .models import Invitation, Organization, Role, User, WorkerHeartbeat


def record_heartbeat(mode: str | None = None, hostname: str = "") -> WorkerHeartbeat:
    """Note that the task runner ran a task just now (shown on /status).

    ``mode`` is "queue" when a worker ran it, "inline" when it ran in the calling process;
    the management command (cron) passes nothing and gets the configured mode.
    """
    if mode is None:
        mode = "inline" if settings.TASKS_INLINE else "queue"
    return WorkerHeartbeat.objects.create(
        mode=mode, hostname=(hostname or socket.gethostname())[:200]
    )


def prune_heartbeats(keep: int = 100) -> int:
    """Keep only the newest beats; the table is a signal, not a history."""
    keep_ids = list(
        WorkerHeartbeat.objects.order_by("-created_at").values_list("pk", flat=True)[:keep]
    )
    deleted, _ = WorkerHeartbeat.objects.exclude(pk__in=keep_ids).delete()
    return deleted


@transaction.atomic
def register_organization(
    *, member_email: str, member_name: str, password: str | None, **organization_fields
) -> tuple[Organization, User]:
    """Create a business and its first member, validated as a whole."""
    organization = Organization(**organization_fields)
    organization.full_clean()
    organization.save()
    user = User(
        email=member_email, full_name=member_name, role="business", organization=organization
    )
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    return organization, user


# --- Business accounts: registration, e-mail verification, invitations ---------------------
#
# Added for self-service accounts. E-mails go only through ``core.mail.queue_email``, in the
# same transaction as the change they report.

VERIFY_EMAIL_TIMEOUT_DEFAULT = 3 * 24 * 60 * 60  # seconds: a verification link lives 3 days
INVITATION_DAYS_DEFAULT = 7


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """A signed, expiring token for the link that confirms a new account's address.

    It is bound to the address and to ``email_verified_at``, so it stops working once used,
    and expires after ``settings.VERIFY_EMAIL_TIMEOUT`` seconds (3 days by default).
    """

    key_salt = "kyoso.core.EmailVerificationTokenGenerator"

    def _now(self):
        # Naive UTC, not Django's naive local time: the age of a link must not depend on the
        # server's time zone setting.
        return timezone.now().replace(tzinfo=None)

    def _make_hash_value(self, user, timestamp):
        # Without microseconds, as Django does: some databases do not store them.
        verified = (
            ""
            if user.email_verified_at is None
            else user.email_verified_at.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{user.email}{verified}{user.is_active}{timestamp}"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        timeout = getattr(settings, "VERIFY_EMAIL_TIMEOUT", VERIFY_EMAIL_TIMEOUT_DEFAULT)
        return (self._num_seconds(self._now()) - ts) <= timeout


email_verification_token = EmailVerificationTokenGenerator()


def send_verification_email(user: User) -> None:
    """Queue the e-mail with the link that confirms ``user``'s address, in their language."""
    link = url_for(
        "accounts:verify",
        user.language,
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=email_verification_token.make_token(user),
    )
    timeout = getattr(settings, "VERIFY_EMAIL_TIMEOUT", VERIFY_EMAIL_TIMEOUT_DEFAULT)
    queue_email(
        user.email,
        "verify_email",
        {
            "user": user,
            "organization": user.organization,
            "link": link,
            "valid_days": max(1, timeout // 86400),
        },
        language=user.language,
        reference=f"user:{user.pk}",
    )


@transaction.atomic
def register_business(
    *, email: str, full_name: str, password: str, language: str = "ja", **organization_fields
) -> User:
    """A business registers itself: organisation and first member, inactive until the
    member follows the link in the verification e-mail (queued here)."""
    _organization, user = register_organization(
        member_email=email, member_name=full_name, password=password, **organization_fields
    )
    user.is_active = False
    user.language = language
    user.save(update_fields=["is_active", "language"])
    send_verification_email(user)
    return user


@transaction.atomic
def tell_existing_account(email: str) -> None:
    """Someone tried to register with an address that has an account: tell its owner (fixed
    text only, nothing the person who typed it wrote), and say nothing on the page."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        return
    queue_email(
        user.email,
        "account_exists",
        {
            "login": url_for("login", user.language),
            "reset": url_for("accounts:password_reset", user.language),
        },
        language=user.language,
        reference=f"user:{user.pk}",
    )


@transaction.atomic
def verify_email(user: User) -> User:
    """Confirm the address: the account becomes active. Safe to call twice."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
    return user


@transaction.atomic
def resend_verification(email: str) -> bool:
    """Send a new link if an account with ``email`` still waits for confirmation.

    Returns whether an e-mail was queued; callers must answer the same either way, so
    nobody can find out who has an account.
    """
    user = (
        User.objects.select_related("organization")
        .filter(email__iexact=email.strip(), email_verified_at__isnull=True, is_active=False)
        .first()
    )
    if user is None:
        return False
    send_verification_email(user)
    return True


@transaction.atomic
def update_organization(organization: Organization, *, actor: User, **fields) -> Organization:
    """Change an organisation's details (法人番号 validated by the model)."""
    if not rules.can_edit_organization(actor, organization):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    return organization


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_registered(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


@transaction.atomic
def invite_member(
    *, organization: Organization, invited_by: User, email: str, language: str = "ja"
) -> Invitation:
    """Invite a colleague by e-mail; the link is valid for ``INVITATION_DAYS`` (7) days.

    Only a hash of the token is stored. Earlier open invitations of the same address to the
    same organisation stop working, so only the newest link is valid.
    """
    if not rules.can_invite_members(invited_by, organization):
        raise PermissionDenied
    email = User.objects.normalize_email(email.strip()).lower()
    if email_registered(email):
        raise ValidationError(
            {"email": _("This e-mail address already has an account.")}, code="registered"
        )
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    days = getattr(settings, "INVITATION_DAYS", INVITATION_DAYS_DEFAULT)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        invited_by=invited_by,
        token_hash=_hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    queue_email(
        email,
        "invitation",
        {
            "organization": organization,
            "invited_by": invited_by,
            "link": url_for("accounts:accept_invitation", language, token=token),
            "expires_at": invitation.expires_at,
            "valid_days": days,
        },
        language=language,
        reference=f"invitation:{invitation.pk}",
    )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (usable or not), or None."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=_hash_token(token))
        .first()
    )


class InvitationNotUsable(Exception):
    """The invitation was already accepted, has expired, or does not exist."""


@transaction.atomic
def accept_invitation(*, token: str, full_name: str, password: str, language: str = "ja") -> User:
    """The colleague joins: an active business member with a confirmed address (the
    invitation e-mail reached it)."""
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=_hash_token(token)).first()
    )
    if invitation is None or not invitation.is_usable:
        raise InvitationNotUsable
    if email_registered(invitation.email):
        raise ValidationError(_("This e-mail address already has an account."), code="registered")
    now = timezone.now()
    user = User(
        email=invitation.email,
        full_name=full_name,
        role=Role.BUSINESS,
        organization=invitation.organization,
        language=language,
        is_active=True,
        email_verified_at=now,
    )
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    invitation.accepted_at = now
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user
