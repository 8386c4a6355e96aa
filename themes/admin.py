from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Programme, Rubric, Theme, ThemeDocument, ThemeQuestion


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "allows_sole_proprietors",
        "startups_only",
        "review_required",
        "is_active",
        "sort_order",
    )
    list_editable = ("sort_order",)


class CriterionFormSet(BaseInlineFormSet):
    """A rubric needs at least one criterion weighing more than zero (what ``Rubric.clean``
    checks once saved, checked here on the criteria as typed)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not any((data.get("weight") or 0) > 0 for data in kept):
            raise ValidationError(
                _("A rubric needs at least one criterion with a weight above zero.")
            )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0
    fields = ("sort_order", "name", "name_en", "weight", "description")


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "scale_min", "scale_max", "is_default")
    inlines = [CriterionInline]


class ThemeDocumentInline(admin.TabularInline):
    model = ThemeDocument
    extra = 0
    fields = ("title", "original_name", "size", "sort_order")
    readonly_fields = ("original_name", "size")

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the desk's page, which checks the content


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "department", "opens_at", "closes_at", "is_published")
    list_filter = ("kind", "is_published", "department")
    search_fields = ("title", "title_en")
    inlines = [ThemeDocumentInline]


@admin.register(ThemeDocument)
class ThemeDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "theme", "original_name", "size")
    fields = ("theme", "title", "original_name", "size", "sort_order")
    readonly_fields = ("theme", "original_name", "size")

    def has_add_permission(self, request):
        return False  # uploads go through the desk's page, which checks the content


@admin.register(ThemeQuestion)
class ThemeQuestionAdmin(admin.ModelAdmin):
    list_display = ("theme", "asked_at", "published_at")
    list_filter = ("theme",)
    raw_id_fields = ("asked_by", "answered_by")
