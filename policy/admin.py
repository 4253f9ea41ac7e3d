from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
        self._clean_scope(cleaned, key)
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

    def _clean_scope(self, cleaned, key) -> None:
        """A value is a school's or a region's, once per key (the table's constraints, which
        the admin skips for a field it does not show: checked here, with a message)."""
        if "school" in self.errors or "region" in self.errors:
            return
        school = cleaned.get("school")
        # A school administrator's form has no region field: the row keeps its own.
        region = cleaned.get("region") if "region" in self.fields else self.instance.region
        if school is None and region is None:
            message = (
                _("Укажите школу или регион.") if "region" in self.fields else _("Укажите школу.")
            )
            self.add_error("school", message)
            return
        if school is not None and region is not None:
            self.add_error("school", _("Укажите либо школу, либо регион, но не то и другое."))
            return
        if key and (
            PolicyValue.objects.filter(key=key, school=school, region=region)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "key",
                _("Значение этого параметра для этой школы уже задано.")
                if school is not None
                else _("Значение этого параметра для этого региона уже задано."),
            )


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
