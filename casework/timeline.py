"""One timeline of everything about the child in the case (R-C-1), in date order.

Each source is read with one query; the page asks a bounded number of queries whatever the
length of the case. The timeline covers the case's period: from the academic year in
which it was opened (alerts and absences before the case explain why it was opened) to its
closing.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import Alert, StudentDay, Task
from audit.models import AuditEntry
from audit.services import log_read
from schools.models import Enrollment, SchoolClass

from .models import (
    Case,
    Characteristic,
    CouncilHearing,
    HomeVisit,
    Memo,
    ObservationEntry,
    ParentContact,
    PlanControl,
    PlanMeasure,
    PreventionPlan,
    Referral,
    RegistryPlacement,
)


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str  # alert, task, contact, visit, hearing, plan, measure, control, referral …
    title: str
    detail: str = ""
    url: str = ""
    icon: str = "dot"
    actor: str = ""


def _at(day: datetime.date) -> datetime.datetime:
    """A date as the start of that day in the project's zone, to sort with moments."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_start(case: Case) -> datetime.date:
    """The first day the case's timeline and absence summary cover: the start of the
    academic year in which the case was opened (else 1 September before it)."""
    opened = timezone.localdate(case.opened_at)
    enrollment = (
        Enrollment.objects.filter(student_id=case.student_id, school_id=case.school_id)
        .filter(school_class__academic_year__start_date__lte=opened)
        .select_related("school_class__academic_year")
        .order_by("-school_class__academic_year__start_date")
        .first()
    )
    if enrollment is not None:
        return enrollment.school_class.academic_year.start_date
    year = opened.year if opened.month >= 9 else opened.year - 1
    return datetime.date(year, 9, 1)


def class_of(case: Case) -> SchoolClass | None:
    """The student's class in the case's school today (else their latest there)."""
    enrollments = Enrollment.objects.filter(
        student_id=case.student_id, school_id=case.school_id
    ).select_related("school_class")
    current = (
        enrollments.on(timezone.localdate()).first() or enrollments.order_by("-start_date").first()
    )
    return current.school_class if current else None


def attach_classes(cases) -> None:
    """Set ``school_class`` on each case of a page (one query)."""
    cases = list(cases)
    today = timezone.localdate()
    by_key = {}
    enrollments = (
        Enrollment.objects.filter(
            student_id__in={c.student_id for c in cases},
            school_id__in={c.school_id for c in cases},
        )
        .select_related("school_class")
        .order_by("start_date")
    )
    for enrollment in enrollments:
        key = (enrollment.student_id, enrollment.school_id)
        current = by_key.get(key)
        if current is None or enrollment.start_date <= today:
            by_key[key] = enrollment.school_class
    for case in cases:
        case.school_class = by_key.get((case.student_id, case.school_id))


def open_tasks(case: Case) -> list[Task]:
    """The child's open tasks in the case's school, the most urgent first."""
    return list(
        Task.objects.filter(
            student_id=case.student_id, school_id=case.school_id, status=Task.Status.OPEN
        )
        .select_related("assignee", "alert")
        .order_by("due_date", "pk")
    )


def monthly_absences(case: Case) -> list[dict]:
    """Per month of the case's period: lessons scheduled, missed with a valid reason, without
    one, with the reason still unknown, and late arrivals (the derived student days)."""
    rows = (
        StudentDay.objects.filter(
            student_id=case.student_id,
            school_id=case.school_id,
            date__gte=period_start(case),
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            valid=Sum("valid"),
            invalid=Sum("invalid"),
            unknown=Sum("unknown"),
            late=Sum("late"),
        )
        .order_by("month")
    )
    return [row | {"without_valid": row["invalid"] + row["unknown"]} for row in rows]


def _short(iso_day: str) -> str:
    return datetime.date.fromisoformat(iso_day).strftime("%d.%m")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _alerts(case, start) -> list[Event]:
    alerts = Alert.objects.filter(
        student_id=case.student_id, school_id=case.school_id, period_end__gte=start
    ).exclude(rule="unknown_reason")
    return [
        Event(
            at=alert.fired_at,
            kind="alert",
            title=alert.get_rule_display(),
            detail=_("период %(start)s – %(end)s")
            % {"start": f"{alert.period_start:%d.%m.%Y}", "end": f"{alert.period_end:%d.%m.%Y}"},
            url=reverse("alerts:alert", args=[alert.pk]),
            icon="exclamation-triangle",
        )
        for alert in alerts
    ]


def _tasks(case, since) -> list[Event]:
    tasks = (
        Task.objects.filter(
            student_id=case.student_id,
            school_id=case.school_id,
            status=Task.Status.DONE,
            done_at__gte=since,
        )
        .select_related("done_by")
        .exclude(kind="phone_parents")
    )
    return [
        Event(
            at=task.done_at,
            kind="task",
            title=_("Выполнено: %(task)s") % {"task": task.details or task.get_kind_display()},
            detail=task.note,
            icon="check2-square",
            actor=_name(task.done_by),
        )
        for task in tasks
    ]


def _contacts(case, start) -> list[Event]:
    contacts = ParentContact.objects.filter(
        student_id=case.student_id, school_id=case.school_id, contacted_at__date__gte=start
    ).select_related("staff")
    return [
        Event(
            at=contact.contacted_at,
            kind="contact",
            title=f"{contact.get_contact_type_display()}: {contact.guardian_name}",
            detail=" · ".join(
                part
                for part in (
                    contact.get_result_display(),
                    contact.stated_reason,
                    contact.summary,
                    contact.next_step and _("далее: %(step)s") % {"step": contact.next_step},
                    contact.absences_told
                    and _("сообщено о пропусках: %(days)s")
                    % {"days": ", ".join(_short(day) for day in contact.absences_told)},
                )
                if part
            ),
            icon="telephone",
            actor=_name(contact.staff),
        )
        for contact in contacts
    ]


def _visits(case) -> list[Event]:
    events = []
    for visit in HomeVisit.objects.filter(case=case):
        done = visit.status == HomeVisit.Status.DONE
        events.append(
            Event(
                at=_at(visit.visited_on if done and visit.visited_on else visit.planned_for),
                kind="visit",
                title=_("Посещение семьи, акт обследования ЖБУ")
                if done
                else _("Посещение семьи: %(status)s") % {"status": visit.get_status_display()},
                detail=visit.measures_proposed if done else visit.purpose,
                url=reverse("casework:visit_detail", args=[visit.pk]),
                icon="house",
            )
        )
    return events


def _hearings(case) -> list[Event]:
    hearings = CouncilHearing.objects.filter(case=case).select_related("session")
    events = []
    for hearing in hearings:
        day = hearing.session.date if hearing.session else timezone.localdate(hearing.created_at)
        title = (
            _("Повторное рассмотрение на Совете профилактики")
            if hearing.is_repeat
            else _("Совет профилактики")
        )
        if hearing.in_absentia:
            title = _("%(title)s (заочно)") % {"title": title}
        events.append(
            Event(
                at=_at(day),
                kind="hearing",
                title=title if hearing.held else _("%(title)s: назначено") % {"title": title},
                detail=hearing.get_decision_display() if hearing.decision else "",
                url=reverse("casework:council_hearing", args=[hearing.pk]),
                icon="people",
            )
        )
    return events


def _plans(case) -> list[Event]:
    events = []
    for plan in PreventionPlan.objects.filter(case=case):
        events.append(
            Event(
                at=plan.created_at,
                kind="plan",
                title=_("План ИПР с %(start)s по %(end)s")
                % {"start": f"{plan.start_date:%d.%m.%Y}", "end": f"{plan.end_date:%d.%m.%Y}"},
                detail=plan.goal,
                url=reverse("casework:plan_detail", args=[plan.pk]),
                icon="list-check",
            )
        )
    measures = PlanMeasure.objects.filter(plan__case=case, status=PlanMeasure.Status.DONE)
    for measure in measures.select_related("responsible"):
        events.append(
            Event(
                at=_at(measure.done_on or measure.due_date),
                kind="measure",
                title=_("Мероприятие плана выполнено: %(what)s") % {"what": measure},
                detail=measure.result,
                icon="check2",
                actor=_name(measure.responsible),
            )
        )
    for control in PlanControl.objects.filter(plan__case=case).select_related("author"):
        events.append(
            Event(
                at=_at(control.date),
                kind="control",
                title=_("Контроль выполнения плана ИПР"),
                detail=control.text,
                icon="clipboard-check",
                actor=_name(control.author),
            )
        )
    return events


def _referrals(case) -> list[Event]:
    events = []
    for referral in Referral.objects.filter(case=case):
        if referral.sent_on:
            events.append(
                Event(
                    at=_at(referral.sent_on),
                    kind="referral",
                    title=_("Направлено: %(body)s") % {"body": referral.get_body_display()},
                    detail=referral.get_purpose_display(),
                    url=reverse("casework:referral_detail", args=[referral.pk]),
                    icon="envelope",
                )
            )
        if referral.answer_on:
            events.append(
                Event(
                    at=_at(referral.answer_on),
                    kind="referral",
                    title=_("Ответ: %(body)s") % {"body": referral.get_body_display()},
                    detail=referral.answer,
                    icon="envelope-open",
                )
            )
    return events


def _registry(case) -> list[Event]:
    events = []
    for placement in RegistryPlacement.objects.filter(case=case):
        events.append(
            Event(
                at=_at(placement.placed_on),
                kind="registry",
                title=_("Поставлен на внутришкольный учёт"),
                detail=placement.basis,
                icon="bookmark",
            )
        )
        if placement.removed_on:
            events.append(
                Event(
                    at=_at(placement.removed_on),
                    kind="registry",
                    title=_("Снят с внутришкольного учёта"),
                    detail=placement.removal_reason,
                    icon="bookmark-x",
                )
            )
    observations = ObservationEntry.objects.filter(placement__case=case).select_related("author")
    for entry in observations:
        events.append(
            Event(
                at=_at(entry.date),
                kind="observation",
                title=_("Дневник наблюдений"),
                detail=entry.text,
                icon="journal-text",
                actor=_name(entry.author),
            )
        )
    return events


def _documents(case) -> list[Event]:
    events = [
        Event(
            at=_at(memo.date),
            kind="document",
            title=_("Докладная записка: %(to)s") % {"to": memo.addressee},
            icon="file-earmark-text",
            actor=_name(memo.author),
        )
        for memo in Memo.objects.filter(case=case).select_related("author")
    ]
    events += [
        Event(
            at=_at(item.date),
            kind="document",
            title=_("Характеристика (%(to)s)") % {"to": item.get_addressee_display()},
            icon="file-earmark-person",
            actor=_name(item.author),
        )
        for item in Characteristic.objects.filter(case=case).select_related("author")
    ]
    return events


def _sop(case) -> list[Event]:
    """Seed 003 alg. 23: the day the family was found in a socially dangerous position."""
    entries = AuditEntry.objects.filter(
        action="casework.sop.marked", student_id=case.student_id, school_id=case.school_id
    ).select_related("actor")
    return [
        Event(
            at=_at(datetime.date.fromisoformat(entry.data["found_on"]))
            if entry.data.get("found_on")
            else entry.created_at,
            kind="sop",
            title=_("Семья в социально опасном положении"),
            detail=entry.data.get("circumstances", ""),
            icon="exclamation-octagon",
            actor=_name(entry.actor),
        )
        for entry in entries
    ]


def _case_itself(case) -> list[Event]:
    events = [
        Event(
            at=case.opened_at,
            kind="case",
            title=_("Дело открыто"),
            detail=case.reason,
            icon="folder2-open",
            actor=_name(case.opened_by),
        )
    ]
    if case.closed_at:
        events.append(
            Event(
                at=case.closed_at,
                kind="case",
                title=_("Дело закрыто"),
                detail=case.close_reason,
                icon="folder-check",
                actor=_name(case.closed_by),
            )
        )
    return events


def events(case: Case) -> list[Event]:
    """Everything about the child in the case, the newest first."""
    start = period_start(case)
    since = _at(start)
    found = [
        *_case_itself(case),
        *_alerts(case, start),
        *_tasks(case, since),
        *_contacts(case, start),
        *_visits(case),
        *_hearings(case),
        *_plans(case),
        *_referrals(case),
        *_registry(case),
        *_documents(case),
        *_sop(case),
    ]
    return sorted(found, key=lambda event: event.at, reverse=True)


def log_case_read(user, case: Case, *, what: str = "case") -> None:
    """Reading a child's case (or its act, dossier …) is written to the audit log (spec §1,
    152-ФЗ): who, when, which child."""
    log_read(
        actor=user,
        action=f"casework.{what}.viewed",
        obj=case,
        school_id=case.school_id,
        student_id=case.student_id,
    )
