"""Helpers the domain apps' admin classes share."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """Shown in the admin, changed only through services (and, for logs, never)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
