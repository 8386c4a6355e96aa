"""Admin for reference data. Proposals are read-only here: their state changes only through
the lifecycle service, never by editing a field."""

from django.contrib import admin

from core.admin_helpers import ReadOnlyAdminMixin

from .models import ConsentDocument, Proposal, ProposalTransition, ReasonTemplate


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "title", "effective_from")
    list_filter = ("kind",)


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProposalTransition
    extra = 0
    fields = ("created_at", "actor", "from_state", "to_state", "reason", "note")
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("receipt_number", "title", "organization", "programme", "state", "submitted_at")
    list_filter = ("state", "programme", "kind", "fiscal_year")
    list_select_related = ("organization", "programme")
    search_fields = ("receipt_number", "title", "organization__name")
    inlines = [TransitionInline]


@admin.register(ProposalTransition)
class ProposalTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "proposal", "actor", "from_state", "to_state")
    list_filter = ("to_state",)
    list_select_related = ("proposal", "actor")


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "action", "is_active", "sort_order")
    list_filter = ("action", "is_active")
    list_editable = ("is_active", "sort_order")
    search_fields = ("title", "body")
