from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Criterion, ReviewAssignment, Rubric


class CriterionFormSet(BaseInlineFormSet):
    """A rubric needs at least one criterion weighing more than zero (what ``Rubric.clean``
    checks once saved, checked here on the criteria as typed)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not any((data.get("weight") or 0) > 0 for data in kept):
            raise ValidationError(_("A rubric needs at least one criterion with a weight above "
                                    "zero."))


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0
    fields = ("sort_order", "name", "name_en", "weight", "description")


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "scale_min", "scale_max", "is_default")
    inlines = [CriterionInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments, conflicts and scores change only through the review pages."""

    list_display = ("proposal", "reviewer", "status", "assigned_at", "submitted_at",
                    "closed_at")
    list_filter = ("conflict_declared",)
    list_select_related = ("proposal", "reviewer")
    search_fields = ("proposal__receipt_number", "proposal__title", "reviewer__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
