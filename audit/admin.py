from django.contrib import admin

from schools.admin_scoping import ReadOnlyAdminMixin, SchoolScopedAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, SchoolScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a school administrator reads the entries of their school."""

    list_display = ["created_at", "actor", "action", "object_repr", "school"]
    list_filter = ["action", "school"]
    list_select_related = ["actor", "school"]
    search_fields = ["action", "object_repr", "actor__last_name"]
    date_hierarchy = "created_at"
