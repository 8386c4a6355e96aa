from django.contrib import admin

from .models import Theme, ThemeDocument, ThemeQuestion


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
