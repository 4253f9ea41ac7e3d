from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PolicyValue(models.Model):
    """An override of one setting of R-CFG for a region or a school.

    The defaults live in code (``policy.catalog``); a row here wins over them,
    a school's row wins over its region's.
    """

    key = models.CharField(_("параметр"), max_length=100)
    region = models.ForeignKey(
        "schools.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.JSONField(_("значение"), encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("значение настройки")
        verbose_name_plural = _("значения настроек")
        constraints = [
            models.CheckConstraint(
                name="policy_value_one_scope",
                condition=Q(region__isnull=False, school__isnull=True)
                | Q(region__isnull=True, school__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["key", "region"],
                condition=Q(school__isnull=True),
                name="unique_region_policy",
            ),
            models.UniqueConstraint(
                fields=["key", "school"],
                condition=Q(region__isnull=True),
                name="unique_school_policy",
            ),
        ]

    def __str__(self):
        return f"{self.key} = {self.value} ({self.school or self.region})"

    @property
    def audit_school(self):
        return self.school
