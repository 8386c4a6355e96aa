"""Admin for the projects' reference data.

Fields (分野) are plain reference data. Sites are saved through ``services.save_site``, so
the admin obeys the same rule as the desk's pages (``core.rules.can_manage_sites``).
Projects, bookings and reports are shown read-only: their lifecycle, publication and
review happen only on the desk's pages, through the services. Stored files (agreements,
report attachments) are private and are never linked from here.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core import rules
from core.admin_helpers import ReadOnlyAdminMixin

from . import services
from .models import (
    Field,
    Project,
    Report,
    ReportAttachment,
    ReportFigure,
    Site,
    SiteBooking,
    Status,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "name_en")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "department", "is_active")
    list_filter = ("is_active", "department")
    list_select_related = ("department",)
    search_fields = ("name", "address")
    fields = ("name", "address", "department", "notes", "is_active")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and rules.can_manage_sites(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rules.can_manage_sites(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a site with bookings is protected; mark it unavailable instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            services.save_site(
                request.user,
                site=obj,
                name=data["name"],
                address=data["address"],
                department=data["department"],
                notes=data.get("notes") or "",
                is_active=data["is_active"],
            )
        except services.ProjectError as exc:  # pragma: no cover — permissions checked above
            messages.error(request, exc.message)


class BookingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SiteBooking
    extra = 0
    fields = ("site", "start", "end", "conditions", "overlap_confirmed", "created_by")
    readonly_fields = fields


class StatusFilter(admin.SimpleListFilter):
    """The status is read from the proposal (``Project.objects`` annotates it), not stored."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "partner_name", "fiscal_year", "status_label", "is_published")
    list_filter = (StatusFilter, "is_published", "fiscal_year", "programme")
    list_select_related = ("proposal",)
    search_fields = ("public_title", "title_draft", "partner_name")
    exclude = ("agreement_document",)  # private: downloaded only from the desk's page
    inlines = [BookingInline]

    @admin.display(description=_("status"))
    def status_label(self, project):
        return project.get_status_display()


@admin.register(SiteBooking)
class SiteBookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("site", "project", "start", "end", "overlap_confirmed")
    list_filter = ("overlap_confirmed", "site")
    list_select_related = ("site", "project", "project__proposal")


class FigureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReportFigure
    extra = 0
    fields = ("label", "value", "unit")
    readonly_fields = fields


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReportAttachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "project", "kind", "state", "submitted_at")
    list_filter = ("kind", "state")
    list_select_related = ("project", "project__proposal")
    inlines = [FigureInline, AttachmentInline]
