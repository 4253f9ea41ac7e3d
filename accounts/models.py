from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import SCHOOL_ROLES, Role


class User(AbstractUser):
    """One account per person; what they may do comes from their role assignments."""

    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    position = models.CharField(_("должность"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["last_name", "first_name", "patronymic"]

    @property
    def full_name(self) -> str:
        parts = [self.last_name, self.first_name, self.patronymic]
        return " ".join(p for p in parts if p) or self.username

    def get_full_name(self) -> str:
        """«Иванова Анна Петровна»: surname first with the patronymic, as Russian forms and
        the school's staff lists name people (Django's default is «Анна Иванова»)."""
        return self.full_name

    @property
    def short_name(self) -> str:
        """«Иванова А. П.» as signed on Russian school forms."""
        initials = "".join(f"{p[0]}. " for p in (self.first_name, self.patronymic) if p)
        return f"{self.last_name} {initials}".strip() or self.username

    def __str__(self):
        return self.full_name


class RoleAssignment(models.Model):
    """A role held by a user in one school, municipality or region."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="staff"
    )
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, null=True, blank=True
    )
    region = models.ForeignKey("schools.Region", on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("назначение роли")
        verbose_name_plural = _("назначения ролей")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in SCHOOL_ROLES),
                        school__isnull=False,
                        municipality__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.MUNICIPAL,
                        school__isnull=True,
                        municipality__isnull=False,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.REGIONAL,
                        school__isnull=True,
                        municipality__isnull=True,
                        region__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school", "municipality", "region"],
                name="unique_role_assignment",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        scope = self.school or self.municipality or self.region
        return f"{self.user}: {self.get_role_display()} ({scope})"
