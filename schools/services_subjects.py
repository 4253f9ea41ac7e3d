"""A school's subjects (R-A): adding, renaming, archiving and restoring one.

A subject is never deleted here: its lessons and marks keep naming it. Archiving takes it
out of what new timetable lines are offered. Each function takes the acting user (None:
the system), checks ``schools.manage_school`` on the school, then the state, and writes
its audit entry in the transaction of the change. Refusals are :class:`SubjectError` with
a Russian message.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action

from .models import School, Subject

NAME_MAX_LENGTH = Subject._meta.get_field("name").max_length
SHORT_NAME_MAX_LENGTH = Subject._meta.get_field("short_name").max_length


class SubjectError(Exception):
    """A refused change of a subject; the message is Russian and shown as is."""


def _check_manager(acting_user, school: School) -> None:
    if acting_user is not None and not acting_user.has_perm("schools.manage_school", school):
        raise SubjectError(_("Предметами школы управляют её администратор и директор."))


def _clean(*, school: School, name: str, short_name: str, exclude_pk=None) -> tuple[str, str]:
    name = " ".join((name or "").split())
    short_name = " ".join((short_name or "").split())
    if not name:
        raise SubjectError(_("Укажите название предмета."))
    if len(name) > NAME_MAX_LENGTH:
        raise SubjectError(
            _("Название предмета — не длиннее %(n)d символов.") % {"n": NAME_MAX_LENGTH}
        )
    if len(short_name) > SHORT_NAME_MAX_LENGTH:
        raise SubjectError(
            _("Сокращение — не длиннее %(n)d символов.") % {"n": SHORT_NAME_MAX_LENGTH}
        )
    same = Subject.objects.filter(school=school, name__iexact=name).exclude(pk=exclude_pk)
    if same.exists():
        raise SubjectError(_("Предмет «%(name)s» в школе уже есть.") % {"name": name})
    return name, short_name


@transaction.atomic
def add_subject(*, school: School, name: str, short_name: str = "", acting_user) -> Subject:
    _check_manager(acting_user, school)
    name, short_name = _clean(school=school, name=name, short_name=short_name)
    subject = Subject.objects.create(school=school, name=name, short_name=short_name)
    log_action(
        actor=acting_user,
        action="schools.subject.added",
        obj=subject,
        data={"name": name, "short_name": short_name},
    )
    return subject


@transaction.atomic
def rename_subject(*, subject: Subject, name: str, short_name: str = "", acting_user) -> bool:
    """False (and no audit entry) when the names do not change."""
    _check_manager(acting_user, subject.school)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    name, short_name = _clean(
        school=subject.school, name=name, short_name=short_name, exclude_pk=subject.pk
    )
    old = {"name": subject.name, "short_name": subject.short_name}
    new = {"name": name, "short_name": short_name}
    if old == new:
        return False
    subject.name, subject.short_name = name, short_name
    subject.save(update_fields=["name", "short_name"])
    log_action(
        actor=acting_user,
        action="schools.subject.renamed",
        obj=subject,
        data={"old": old, "new": new},
    )
    return True


@transaction.atomic
def set_subject_archived(*, subject: Subject, archived: bool, acting_user) -> bool:
    """Archive (or restore) a subject. False (and no audit entry) when it already is."""
    _check_manager(acting_user, subject.school)
    changed = (
        Subject.objects.filter(pk=subject.pk).exclude(archived=archived).update(archived=archived)
    )
    if not changed:
        return False
    subject.archived = archived
    log_action(
        actor=acting_user,
        action="schools.subject.archived" if archived else "schools.subject.restored",
        obj=subject,
    )
    return True
