"""The intra-school registry (внутришкольный учёт, R-C-5) and the observation diary (seed 004).

When a child is placed is a regional setting (``casework.registry_placement``): on the
director's approval of the council's conclusion (seed 003 alg. 12–14, the default) or at
criterion №22 (seed 001 step 4).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistryPlacement(models.Model):
    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="registry_placements"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="placements")
    placed_on = models.DateField(_("поставлен на учёт"))
    # The approved conclusion (seed 003), or empty when placed at criterion №22 (seed 001).
    conclusion = models.OneToOneField(
        "casework.Conclusion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement",
        verbose_name=_("основание: заключение"),
    )
    basis = models.CharField(_("основание"), max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    removed_on = models.DateField(_("снят с учёта"), null=True, blank=True)
    removal_reason = models.CharField(_("причина снятия"), max_length=500, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("постановка на внутришкольный учёт")
        verbose_name_plural = _("внутришкольный учёт")
        ordering = ["-placed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school"],
                condition=Q(removed_on__isnull=True),
                name="one_active_registry_placement",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("placed_on")),
                name="registry_removed_after_placed",
            ),
        ]
        indexes = [models.Index(fields=["school", "removed_on"])]

    def __str__(self):
        return f"{self.student} — {self.placed_on:%d.%m.%Y}"

    @property
    def audit_school(self):
        return self.school

    @property
    def is_active(self) -> bool:
        return self.removed_on is None


class ObservationEntry(models.Model):
    """Seed 004: the observation diary kept for a registered student."""

    placement = models.ForeignKey(
        RegistryPlacement, on_delete=models.CASCADE, related_name="observations"
    )
    date = models.DateField(_("дата"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    attendance = models.CharField(_("посещаемость"), max_length=500, blank=True)
    progress = models.CharField(_("успеваемость"), max_length=500, blank=True)
    behaviour = models.CharField(_("поведение"), max_length=500, blank=True)
    text = models.TextField(_("наблюдения, проведённая работа"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("запись дневника наблюдений")
        verbose_name_plural = _("дневник наблюдений")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}"
