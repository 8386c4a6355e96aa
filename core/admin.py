from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import (
    AuditEvent,
    Department,
    Organization,
    OutboundAttachment,
    OutboundEmail,
    QueuedTask,
    User,
    WorkerHeartbeat,
)


class KyosoUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "organization", "department")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = KyosoUserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "organization", "department", "is_active")
    list_filter = ("role", "is_active", "department")
    list_select_related = ("organization", "department")
    search_fields = ("email", "full_name", "organization__name")
    autocomplete_fields = ("organization",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language", "affiliation")}),
        (_("Role"), {"fields": ("role", "organization", "department")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "organization",
                    "department",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ()


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "corporate_number", "is_startup", "is_sole_proprietor")
    list_filter = ("is_startup", "is_sole_proprietor")
    search_fields = ("name", "name_kana", "corporate_number")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "email")
    search_fields = ("code", "name", "name_en")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("created_at", "mode", "hostname")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutboundAttachmentInline(admin.TabularInline):
    model = OutboundAttachment
    fields = ("filename", "mimetype")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits to retry, what failed and why.

    Rows change only through ``core.outbox`` (delivery, and the "retry now" action).
    """

    list_display = ("to", "subject", "status", "attempts", "created_at", "sent_at", "reference")
    list_filter = ("status",)
    search_fields = ("to", "subject", "reference")
    date_hierarchy = "created_at"
    fields = (
        "to",
        "subject",
        "body",
        "reference",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
    inlines = [OutboundAttachmentInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("core.change_outboundemail")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        requeued = sum(outbox.retry_now(email) for email in queryset)
        left = len(queryset) - requeued
        if requeued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail queued to be sent again.",
                    "%(count)d e-mails queued to be sent again.",
                    requeued,
                )
                % {"count": requeued},
                messages.SUCCESS,
            )
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail left as it was: already sent, queued or being sent.",
                    "%(count)d e-mails left as they were: already sent, queued or being sent.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("created_at", "actor", "action", "target", "detail", "ip_address")
    list_filter = ("action",)
    list_select_related = ("actor",)
    search_fields = ("target", "detail", "actor__email")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """Background work the broker has not taken yet (it was down), and work given up after
    too many tries. "Try again" puts a given-up task back for the sweeper."""

    list_display = ("name", "args", "created_at", "attempts", "last_error", "given_up_at")
    list_filter = ("given_up_at", "name")
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try again"))
    def try_again(self, request, queryset):
        count = queryset.update(given_up_at=None, attempts=0)
        self.message_user(request, _("%(count)d tasks will be sent again.") % {"count": count})
