"""The nine roles of spec §1 and the territory each one is scoped to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUBJECT_TEACHER = "subject_teacher", _("Учитель-предметник")
    CLASS_TEACHER = "class_teacher", _("Классный руководитель")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("Социальный педагог")
    PSYCHOLOGIST = "psychologist", _("Педагог-психолог")
    DEPUTY = "deputy", _("Заместитель директора")
    DIRECTOR = "director", _("Директор")
    SCHOOL_ADMIN = "school_admin", _("Администратор")
    MUNICIPAL = "municipal", _("Специалист муниципального органа управления образованием")
    REGIONAL = "regional", _("Специалист региона")


SCHOOL_ROLES = frozenset(
    {
        Role.SUBJECT_TEACHER,
        Role.CLASS_TEACHER,
        Role.SOCIAL_PEDAGOGUE,
        Role.PSYCHOLOGIST,
        Role.DEPUTY,
        Role.DIRECTOR,
        Role.SCHOOL_ADMIN,
    }
)
# Roles that see every student of their school (spec §1).
WHOLE_SCHOOL_ROLES = frozenset({Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR})
ADMINISTRATION_ROLES = frozenset({Role.DEPUTY, Role.DIRECTOR, Role.SCHOOL_ADMIN})

# Order in which a person holding several roles lands on a start page.
LANDING_ORDER = (
    Role.REGIONAL,
    Role.MUNICIPAL,
    Role.DIRECTOR,
    Role.DEPUTY,
    Role.SCHOOL_ADMIN,
    Role.SOCIAL_PEDAGOGUE,
    Role.PSYCHOLOGIST,
    Role.CLASS_TEACHER,
    Role.SUBJECT_TEACHER,
)
