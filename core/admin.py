from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import Department, Organization, User, WorkerHeartbeat


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
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "role", "organization", "department",
                           "password1", "password2")}),
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
