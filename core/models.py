"""People, organisations, departments and roles.

A user has exactly one role. A business member belongs to one organisation; a department
member to one department. Desk staff, the desk manager, reviewers and administrators belong
to neither. What each role may see and do is decided in ``core.rules`` and nowhere else.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rules import has_perm as rule_allows

from .validators import normalize_corporate_number, validate_corporate_number


class Role(models.TextChoices):
    BUSINESS = "business", _("Business member")
    DESK_STAFF = "desk_staff", _("Desk staff")
    DESK_MANAGER = "desk_manager", _("Desk manager")
    DEPARTMENT = "department", _("Department member")
    REVIEWER = "reviewer", _("Reviewer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Organization(models.Model):
    """A business that proposes: a corporation (with a 法人番号) or a sole proprietor."""

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    corporate_number = models.CharField(
        _("corporate number (法人番号)"),
        max_length=13,
        blank=True,
        help_text=_(
            "13 digits, as issued by the National Tax Agency. "
            "Sole proprietors have none and leave this empty."
        ),
    )
    address = models.CharField(_("address"), max_length=300)
    representative_title = models.CharField(_("representative's title"), max_length=100, blank=True)
    representative_name = models.CharField(_("representative's name"), max_length=100)
    is_startup = models.BooleanField(_("startup"), default=False)
    is_sole_proprietor = models.BooleanField(_("sole proprietor"), default=False)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="organization_corporate_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        # Normalise before the length check: people type "7000-01-205-0002" or full-width digits.
        self.corporate_number = normalize_corporate_number(self.corporate_number)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        self.corporate_number = normalize_corporate_number(self.corporate_number)
        errors: dict[str, list] = {}
        if self.corporate_number:
            try:
                validate_corporate_number(self.corporate_number)
            except ValidationError as exc:
                errors["corporate_number"] = exc.messages
            if self.is_sole_proprietor:
                errors.setdefault("corporate_number", []).append(
                    _("A sole proprietor has no corporate number; leave it empty.")
                )
        elif not self.is_sole_proprietor:
            errors["corporate_number"] = [
                _(
                    "Enter the corporate number (法人番号). Only sole proprietors may leave it empty."
                )
            ]
        if errors:
            raise ValidationError(errors)


class Department(models.Model):
    """A department of the city (関係部局) that the desk coordinates with."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150)
    email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return (
            self.name_en
            if (get_language() or "ja").startswith("en") and self.name_en
            else self.name
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in, by e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.BUSINESS)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("For outside reviewers: university, company or other affiliation."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("ja", "日本語"), ("en", "English")],
        default="ja",
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_verified_at = models.DateTimeField(_("e-mail address verified"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Only administrators need the Django admin site."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        errors = {}
        if self.role == Role.BUSINESS and not self.organization_id:
            errors["organization"] = _("A business member must belong to an organisation.")
        if self.role != Role.BUSINESS and self.organization_id:
            errors["organization"] = _("Only business members belong to an organisation.")
        if self.role == Role.DEPARTMENT and not self.department_id:
            errors["department"] = _("A department member must belong to a department.")
        if self.role != Role.DEPARTMENT and self.department_id:
            errors["department"] = _("Only department members belong to a department.")
        if errors:
            raise ValidationError(errors)

    def get_full_name(self) -> str:
        return self.full_name

    def has_perm(self, perm, obj=None) -> bool:
        """Kyoso's own permissions (``kyoso.…``) are decided by ``core.rules`` alone: an
        administrator who is a superuser may manage the admin site, not adopt a proposal.
        Django's model permissions (the admin's) keep their usual meaning."""
        if perm.startswith("kyoso."):
            # Straight to the predicate: no backend, so no permission tables are read.
            return self.is_active and rule_allows(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_short_name(self) -> str:
        return self.full_name or self.email

    # Role shortcuts read by templates and rules.
    @property
    def is_business(self) -> bool:
        return self.is_active and self.role == Role.BUSINESS

    @property
    def is_desk(self) -> bool:
        """Desk staff or the desk manager."""
        return self.is_active and self.role in (Role.DESK_STAFF, Role.DESK_MANAGER)

    @property
    def is_desk_manager(self) -> bool:
        return self.is_active and self.role == Role.DESK_MANAGER

    @property
    def is_department_member(self) -> bool:
        return self.is_active and self.role == Role.DEPARTMENT

    @property
    def is_reviewer(self) -> bool:
        return self.is_active and self.role == Role.REVIEWER

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.role == Role.ADMINISTRATOR or self.is_superuser)


class WorkerHeartbeat(models.Model):
    """One row per beat of the task runner, so /status can tell whether tasks really run."""

    mode = models.CharField(max_length=10)  # "inline" or "queue"
    hostname = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        get_latest_by = "created_at"
        verbose_name = _("task heartbeat")
        verbose_name_plural = _("task heartbeats")

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)  # Japan time, as the status page shows it
        return f"{self.mode} {self.hostname} {when:%Y-%m-%d %H:%M:%S}"


class Invitation(models.Model):
    """A member of a business invites a colleague by e-mail to join its organisation.

    Only a hash of the token is stored: the link in the e-mail is the only copy of it.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class OutboundEmail(models.Model):
    """One e-mail in the outbox.

    The row is written in the same transaction as the change it reports; a task sends it after
    the commit and records every attempt, so the desk can see what was delivered, and nothing
    is lost when the SMTP server is down (the periodic job retries with backoff).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Waiting to retry")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    reference = models.CharField(
        _("reference"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("What the e-mail is about, e.g. proposal:42."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class OutboundAttachment(models.Model):
    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="outbox/%Y/%m/")
    filename = models.CharField(max_length=255)
    mimetype = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.filename


class AuditEvent(models.Model):
    """Who saw or changed what, outside the proposal's own state log (product.md: proposals are
    public records; the city must be able to say who opened a confidential one).

    Append-only, like the transition log: written by ``core.audit.record`` and never changed.
    """

    actor = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=40, db_index=True)
    target = models.CharField(
        _("object"),
        max_length=60,
        db_index=True,
        help_text=_("What was seen or changed, e.g. proposal:42."),
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.CharField(_("IP address"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)  # Japan time, as every page shows it
        return f"{when:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class QueuedTask(models.Model):
    """Background work asked for in a transaction, kept until the broker has taken it.

    ``core.jobs.enqueue`` writes the row in the caller's transaction and hands the task to the
    broker after the commit, deleting the row once the broker took it. If the broker was down,
    the row stays and the periodic sweeper (``core.jobs.sweep``: the task
    ``core.tasks.sweep_queued_tasks`` and the command ``send_queued_tasks``) hands it over when
    the broker is back: nothing a committed change asked for is lost.
    """

    name = models.CharField(_("task"), max_length=150)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    #: Set when the task failed too often to be tried again by the sweeper.
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"


class RateCounter(models.Model):
    """One fixed window of one rate limit for one address, counted atomically in the database
    (``core.ratelimit``): used when no Redis is configured, and whenever Redis is down."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class IdempotencyKey(models.Model):
    """One create a person asked for, by the key its form carried (``core.idempotency``): the
    same form sent twice — a double click, a resend after an error page — creates once."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    result = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} → {self.result}"
