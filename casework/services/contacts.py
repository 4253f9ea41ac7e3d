"""Contacts with the parents (R-C-2)."""

import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.inputs import BEFORE_ENROLMENT
from audit.services import log_action
from schools.models import Enrollment, Student

from ..models import ParentContact
from .common import CaseworkError, CaseworkPermissionDenied
from .tasks import complete_tasks_for

# A contact is logged after it happened; allow for a clock that runs a little fast.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
# The same contact logged again by the same person this soon is the form sent twice (a
# double click, a reload of the POST): the first is returned, nothing is added.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=10)

# The tasks a contact does (R-C-1: doing the thing completes the task): any contact is the
# call that settles the reason and the regular contact with the family; a meeting at school
# is the talk the parents were invited to (seed 003 alg. 3, seed 001 step 4). Any contact
# reaching the parents tells them of a decision the council took without them (alg. 15).
COMPLETES = {
    ParentContact.ContactType.PHONE_CALL: (
        "phone_parents",
        "family_contact",
        "notify_absent_parents",
    ),
    ParentContact.ContactType.MESSAGE: (
        "phone_parents",
        "family_contact",
        "notify_absent_parents",
    ),
    ParentContact.ContactType.LETTER: ("family_contact", "notify_absent_parents"),
    ParentContact.ContactType.MEETING: (
        "phone_parents",
        "family_contact",
        "invite_parents",
        "parent_meeting",
        "notify_absent_parents",
    ),
}


def log_parent_contact(
    *,
    student,
    school,
    acting_user,
    contact_type: str,
    contacted_at: datetime.datetime,
    result: str,
    guardian=None,
    guardian_name: str = "",
    summary: str = "",
    stated_reason: str = "",
    next_step: str = "",
    absences_told=(),
) -> ParentContact:
    """Record a phone call, meeting, letter or message to the parents (R-C-2)."""
    if contact_type not in ParentContact.ContactType.values:
        raise CaseworkError(_("Неизвестный вид контакта."))
    if result not in ParentContact.Result.values:
        raise CaseworkError(_("Укажите результат контакта."))
    if contacted_at > timezone.now() + FUTURE_TOLERANCE:
        raise CaseworkError(_("Время контакта не может быть в будущем."))
    if guardian is not None and guardian.student_id != student.pk:
        raise CaseworkError(_("Выбранный законный представитель относится к другому ребёнку."))
    guardian_name = (guardian_name or (guardian.full_name if guardian else "")).strip()
    if not guardian_name:
        raise CaseworkError(_("Укажите, с кем состоялся контакт."))
    enrolled = Enrollment.objects.filter(student=student, school=school).aggregate(
        first=Min("start_date")
    )["first"]
    if enrolled is None:
        raise CaseworkError(_("Обучающийся не числится в этой школе."))
    if timezone.localtime(contacted_at).date() < enrolled - BEFORE_ENROLMENT:
        raise CaseworkError(
            _("Контакт не может быть раньше зачисления обучающегося в школу (%(date)s).")
            % {"date": f"{enrolled:%d.%m.%Y}"}
        )
    if not acting_user.has_perm("casework.log_parent_contact", student):
        raise CaseworkPermissionDenied(_("Вы не можете вести контакты с родителями этого ребёнка."))

    fields = {
        "student": student,
        "school": school,
        "contact_type": contact_type,
        "contacted_at": contacted_at,
        "staff": acting_user,
        "guardian": guardian,
        "guardian_name": guardian_name[:300],
        "summary": summary,
        "stated_reason": stated_reason,
        "result": result,
        "next_step": next_step,
        "absences_told": sorted({f"{day}" for day in absences_told}),
    }
    with transaction.atomic():
        # The child's row serialises two contacts logged for them, so the second of a
        # double submission sees the first (NO KEY: rows referencing the child go on).
        Student.objects.select_for_update(no_key=True).filter(pk=student.pk).exists()
        twin = (
            ParentContact.objects.filter(
                created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW, **fields
            )
            .order_by("pk")
            .first()
        )
        if twin is not None:
            twin.completed_tasks = []  # done by the first submission
            return twin
        contact = ParentContact.objects.create(**fields)
        # The tasks the contact did, for the page to say so.
        contact.completed_tasks = []
        if result != ParentContact.Result.NOT_REACHED:
            contact.completed_tasks = complete_tasks_for(
                student=student,
                school=school,
                kinds=COMPLETES[contact_type],
                result=contact,
                acting_user=acting_user,
                on=contacted_at.date(),
            )
        log_action(
            actor=acting_user,
            action="casework.contact.logged",
            obj=contact,
            data={
                "student_id": student.pk,
                "contact_type": contact_type,
                "result": result,
                "guardian_id": guardian.pk if guardian else None,
            },
        )
    return contact
