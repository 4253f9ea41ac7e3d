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
# A school's thresholds and deadlines are changed by these (the deputy reads them).
SETTINGS_EDITOR_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.DIRECTOR})
# Deputy and director: oversee every task of their school, run the school's evaluation.
OVERSEER_ROLES = frozenset({Role.DEPUTY, Role.DIRECTOR})
# The school's registries (seed 002 §6.3): the whole school, or a class teacher's class.
REGISTRY_READER_ROLES = WHOLE_SCHOOL_ROLES | {Role.CLASS_TEACHER}
# Lessons left unmarked: a teacher's own, a class teacher's class, the whole school.
UNMARKED_LESSONS_READER_ROLES = REGISTRY_READER_ROLES | {Role.SUBJECT_TEACHER}

# Who grants and revokes which role (R-SEC, issue #14; ``accounts.services.check_role_change``).
# Nobody grants or revokes a role on themselves. A school administrator manages the teaching
# staff of the schools they administer: these roles only. The school's leadership (director,
# deputy) and its administrators are appointed by the education authority — a municipal
# specialist of the school's municipality — or by a superuser. A school administrator does
# not make other administrators: the role opens every child's personal data in the admin and
# the staff's accounts (passwords included), so peers could otherwise multiply it unseen by
# the authority, revoke one another or take over one another's accounts, and the audit would
# no longer answer who did what. Territory roles (municipal, regional) are a superuser's.
SCHOOL_ADMIN_GRANTABLE_ROLES = frozenset(
    {Role.SUBJECT_TEACHER, Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE, Role.PSYCHOLOGIST}
)
MUNICIPAL_GRANTABLE_ROLES = SCHOOL_ROLES

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
