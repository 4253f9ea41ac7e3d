from django.contrib import admin

from schools.admin_scoping import SchoolScopedAdminMixin

from .models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    """School administrators set their school's values; regional values are for superusers."""

    list_display = ["key", "value", "school", "region", "updated_at", "updated_by"]
    list_filter = ["key"]
    list_select_related = ["school", "region", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_fields(self, request, obj=None):
        fields = ["key", "value", "school", "region", "updated_at", "updated_by"]
        if not request.user.is_superuser:
            fields.remove("region")
        return fields

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def audit_data(self, obj, message) -> dict:
        return super().audit_data(obj, message) | {"key": obj.key, "value": obj.value}
