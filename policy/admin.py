from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.admin_scoping import SchoolScopedAdminMixin

from . import catalog
from .models import PolicyValue


class PolicyValueForm(forms.ModelForm):
    """Rejects unknown keys and values their setting would not accept (see ``policy.catalog``).

    The settings pages (``policy:index``) are the usual way to change values; they also
    check the ordered pairs (systematic below long hours) and show the effective value.
    """

    class Meta:
        model = PolicyValue
        fields = ["key", "value", "school", "region"]

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key")
        if key is None or "value" not in cleaned:
            return cleaned
        try:
            setting = catalog.get(key)
        except ValidationError as error:
            self.add_error("key", error)
            return cleaned
        try:
            cleaned["value"] = setting.to_json(setting.clean(cleaned["value"]))
        except ValidationError as error:
            self.add_error("value", error)
        return cleaned


@admin.register(PolicyValue)
class PolicyValueAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    """School administrators set their school's values; regional values are for superusers."""

    form = PolicyValueForm
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
