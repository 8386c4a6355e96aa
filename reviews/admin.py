from django.contrib import admin

from .models import ReviewAssignment


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments, conflicts and scores change only through the review pages."""

    list_display = ("proposal", "reviewer", "status", "assigned_at", "submitted_at", "closed_at")
    list_filter = ("conflict_declared",)
    list_select_related = ("proposal", "reviewer")
    search_fields = ("proposal__receipt_number", "proposal__title", "reviewer__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
