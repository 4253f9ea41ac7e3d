"""The individual prevention plan (план ИПР, R-C-6; seed 001 steps 5–6, seed 003 alg. 16–17).

A case has at most one active plan. Its measures come from the catalogue of seed 003
alg. 17 (``MeasureKind``) or are written out («иное»); each has a member of the school's
staff responsible and a deadline. Saving the plan does the «разработать план ИПР» task,
a weekly control entry does the recurring «контроль выполнения плана ИПР» task, and a
measure past its deadline lands in the responsible person's inbox
(:func:`flag_overdue_measures`, daily).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import school_ids_for_user
from alerts.models import Task
from alerts.services import cancel_tasks, complete_task, open_task
from audit.services import log_action
from printing.pdf import Document, render_pdf

from ..models import Case, MeasureKind, PlanControl, PlanMeasure, PreventionPlan
from ..selectors.plan import measure_text
from .common import CaseworkError, CaseworkPermissionDenied
from .documents import director_name
from .tasks import complete_tasks_for


def _check_case(case: Case, acting_user, perm: str, message: str) -> None:
    if not acting_user.has_perm(perm, case):
        raise CaseworkPermissionDenied(message)
    if not case.is_active:
        raise CaseworkError(_("Дело закрыто: план ИПР по нему не ведётся."))


def _check_dates(start_date, end_date) -> None:
    if start_date is None or end_date is None:
        raise CaseworkError(_("Укажите даты начала и окончания плана."))
    if end_date < start_date:
        raise CaseworkError(_("Дата окончания плана не может быть раньше даты начала."))


def _check_active(plan: PreventionPlan) -> None:
    if plan.status != PreventionPlan.Status.ACTIVE:
        raise CaseworkError(_("План ИПР завершён: изменить его нельзя."))


def create_plan(
    *, case: Case, goal: str, start_date: datetime.date, end_date: datetime.date, acting_user
) -> PreventionPlan:
    """Draw up the case's plan; it does the child's open «разработать план ИПР» task."""
    _check_case(case, acting_user, "casework.manage_plan", _("Вы не можете составлять план ИПР."))
    _check_dates(start_date, end_date)
    with transaction.atomic():
        # The case row serialises two people saving a plan at once.
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.plans.filter(status=PreventionPlan.Status.ACTIVE).exists():
            raise CaseworkError(
                _(
                    "По делу уже есть действующий план ИПР: завершите его, прежде чем составлять новый."
                )
            )
        plan = PreventionPlan.objects.create(
            case=case,
            school_id=case.school_id,
            goal=goal.strip(),
            start_date=start_date,
            end_date=end_date,
            created_by=acting_user,
        )
        log_action(
            actor=acting_user,
            action="casework.plan.created",
            obj=plan,
            student_id=case.student_id,
            data={"start_date": start_date, "end_date": end_date, "goal": plan.goal},
        )
        complete_tasks_for(
            student=case.student,
            school=case.school,
            kinds=[Task.Kind.PREVENTION_PLAN],
            result=plan,
            acting_user=acting_user,
        )
    return plan


def update_plan(
    *,
    plan: PreventionPlan,
    goal: str,
    start_date: datetime.date,
    end_date: datetime.date,
    acting_user,
) -> PreventionPlan:
    """Change the plan's goal or period; an unchanged plan logs nothing."""
    _check_case(plan.case, acting_user, "casework.manage_plan", _("Вы не можете менять план ИПР."))
    _check_dates(start_date, end_date)
    with transaction.atomic():
        plan = PreventionPlan.objects.select_for_update().get(pk=plan.pk)
        _check_active(plan)
        before = {"goal": plan.goal, "start_date": plan.start_date, "end_date": plan.end_date}
        after = {"goal": goal.strip(), "start_date": start_date, "end_date": end_date}
        if before == after:
            return plan
        for name, value in after.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(after))
        log_action(
            actor=acting_user,
            action="casework.plan.changed",
            obj=plan,
            student_id=plan.case.student_id,
            data={"from": before, "to": after},
        )
    return plan


def complete_plan(*, plan: PreventionPlan, summary: str, acting_user) -> PreventionPlan:
    """Close the plan with its results; a new one may then be drawn up. The measures still
    planned stay as they are (the table shows what was not done)."""
    _check_case(
        plan.case, acting_user, "casework.manage_plan", _("Вы не можете завершить план ИПР.")
    )
    summary = summary.strip()
    if not summary:
        raise CaseworkError(_("Опишите итоги выполнения плана."))
    with transaction.atomic():
        plan = PreventionPlan.objects.select_for_update().get(pk=plan.pk)
        _check_active(plan)
        plan.status, plan.summary = PreventionPlan.Status.COMPLETED, summary
        plan.save(update_fields=["status", "summary"])
        cancel_tasks(
            tasks=Task.objects.filter(
                pk__in=plan.measures.exclude(overdue_task=None).values("overdue_task")
            ),
            reason=_("План ИПР завершён"),
            acting_user=acting_user,
            school=plan.school,
        )
        log_action(
            actor=acting_user,
            action="casework.plan.completed",
            obj=plan,
            student_id=plan.case.student_id,
            data={"summary": summary},
        )
    return plan


def _check_measure(plan: PreventionPlan, *, kind, description, responsible, due_date) -> None:
    if kind not in MeasureKind.values:
        raise CaseworkError(_("Выберите мероприятие из перечня."))
    if kind == MeasureKind.OTHER and not description:
        raise CaseworkError(_("Опишите мероприятие: для «иного» содержание обязательно."))
    if responsible is None:
        raise CaseworkError(_("Назначьте ответственного за мероприятие."))
    if plan.school_id not in school_ids_for_user(responsible):
        raise CaseworkError(
            _("%(name)s не работает в этой школе: ответственным может быть только её сотрудник.")
            % {"name": responsible.full_name}
        )
    if due_date is None:
        raise CaseworkError(_("Укажите срок выполнения мероприятия."))


def add_measure(
    *,
    plan: PreventionPlan,
    kind: str,
    description: str = "",
    responsible,
    due_date: datetime.date | None,
    acting_user,
) -> PlanMeasure:
    """A measure of the plan: what, who is responsible (the school's staff), by when."""
    _check_case(plan.case, acting_user, "casework.manage_plan", _("Вы не можете менять план ИПР."))
    description = description.strip()
    _check_measure(
        plan, kind=kind, description=description, responsible=responsible, due_date=due_date
    )
    with transaction.atomic():
        plan = PreventionPlan.objects.select_for_update().get(pk=plan.pk)
        _check_active(plan)
        measure = PlanMeasure.objects.create(
            plan=plan,
            kind=kind,
            description=description,
            responsible=responsible,
            due_date=due_date,
        )
        log_action(
            actor=acting_user,
            action="casework.plan.measure_added",
            obj=plan,
            student_id=plan.case.student_id,
            data={
                "measure_id": measure.pk,
                "kind": kind,
                "description": description,
                "responsible_id": responsible.pk,
                "due_date": due_date,
            },
        )
    return measure


def _drop_overdue_task(measure: PlanMeasure, *, acting_user, reason: str) -> None:
    """Cancel the measure's open overdue task and forget it, so that a new deadline that
    passes flags the measure again."""
    if measure.overdue_task_id is None:
        return
    cancel_tasks(
        tasks=Task.objects.filter(pk=measure.overdue_task_id),
        reason=reason,
        acting_user=acting_user,
        school=measure.plan.school,
    )
    measure.overdue_task = None


def update_measure(
    *,
    measure: PlanMeasure,
    kind: str,
    description: str = "",
    responsible,
    due_date: datetime.date | None,
    acting_user,
) -> PlanMeasure:
    """Change what the measure is, who does it or its deadline. A deadline moved past
    today takes the measure out of the overdue list (its inbox task is cancelled)."""
    plan = measure.plan
    _check_case(plan.case, acting_user, "casework.manage_plan", _("Вы не можете менять план ИПР."))
    description = description.strip()
    _check_measure(
        plan, kind=kind, description=description, responsible=responsible, due_date=due_date
    )
    with transaction.atomic():
        measure = (
            PlanMeasure.objects.select_for_update()
            .select_related("plan__school")
            .get(pk=measure.pk)
        )
        _check_active(measure.plan)
        fields = ("kind", "description", "responsible_id", "due_date")
        before = {name: getattr(measure, name) for name in fields}
        after = dict(zip(fields, (kind, description, responsible.pk, due_date), strict=True))
        if before == after:
            return measure
        for name, value in after.items():
            setattr(measure, name, value)
        if due_date != before["due_date"] and not measure.is_overdue(timezone.localdate()):
            _drop_overdue_task(
                measure, acting_user=acting_user, reason=_("Срок мероприятия перенесён")
            )
        measure.save()
        log_action(
            actor=acting_user,
            action="casework.plan.measure_changed",
            obj=measure.plan,
            student_id=plan.case.student_id,
            data={"measure_id": measure.pk, "from": before, "to": after},
        )
    return measure


def can_record_outcome(user, measure: PlanMeasure) -> bool:
    """Who marks a measure done or cancelled: who manages the plan, or its responsible
    person among those who work the case."""
    case = measure.plan.case
    if user.has_perm("casework.manage_plan", case):
        return True
    return measure.responsible_id == user.pk and user.has_perm("casework.work_case", case)


def record_measure_outcome(
    *,
    measure: PlanMeasure,
    status: str,
    acting_user,
    done_on: datetime.date | None = None,
    result: str = "",
) -> PlanMeasure:
    """Mark a measure done (on a day, with its result), cancelled, or planned again. Done
    completes its overdue task, cancelled cancels it."""
    if not can_record_outcome(acting_user, measure):
        raise CaseworkPermissionDenied(_("Вы не можете отмечать выполнение этого мероприятия."))
    if not measure.plan.case.is_active:
        raise CaseworkError(_("Дело закрыто: план ИПР по нему не ведётся."))
    if status not in PlanMeasure.Status.values:
        raise CaseworkError(_("Неизвестный статус мероприятия."))
    result = result.strip()
    today = timezone.localdate()
    if status == PlanMeasure.Status.DONE:
        done_on = done_on or today
        if done_on > today:
            raise CaseworkError(_("Дата выполнения не может быть в будущем."))
    else:
        done_on = None
    with transaction.atomic():
        measure = (
            PlanMeasure.objects.select_for_update()
            .select_related("plan__school")
            .get(pk=measure.pk)
        )
        _check_active(measure.plan)
        before = {"status": measure.status, "done_on": measure.done_on, "result": measure.result}
        after = {"status": status, "done_on": done_on, "result": result}
        if before == after:
            return measure
        task = measure.overdue_task
        if status == PlanMeasure.Status.DONE and task and task.status == Task.Status.OPEN:
            complete_task(task=task, acting_user=acting_user, note=result, result=measure)
        elif status == PlanMeasure.Status.CANCELLED:
            _drop_overdue_task(measure, acting_user=acting_user, reason=_("Мероприятие отменено"))
        elif task and task.status != Task.Status.OPEN:  # planned again: may be flagged again
            measure.overdue_task = None
        measure.status, measure.done_on, measure.result = status, done_on, result
        measure.save()
        log_action(
            actor=acting_user,
            action="casework.plan.measure_outcome",
            obj=measure.plan,
            student_id=measure.plan.case.student_id,
            data={"measure_id": measure.pk, "from": before, "to": after},
        )
    return measure


def add_control(
    *, plan: PreventionPlan, date: datetime.date | None, text: str, acting_user
) -> PlanControl:
    """Seed 001 step 6: the weekly check that the plan is carried out. It does the open
    «контроль выполнения плана ИПР» task, which opens its next week's instance."""
    _check_case(plan.case, acting_user, "casework.work_case", _("Вы не ведёте это дело."))
    text = text.strip()
    if not text:
        raise CaseworkError(_("Опишите результаты контроля."))
    if date is None:
        raise CaseworkError(_("Укажите дату контроля."))
    if date > timezone.localdate():
        raise CaseworkError(_("Дата контроля не может быть в будущем."))
    with transaction.atomic():
        plan = PreventionPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
        _check_active(plan)
        control = PlanControl.objects.create(plan=plan, date=date, author=acting_user, text=text)
        log_action(
            actor=acting_user,
            action="casework.plan.controlled",
            obj=plan,
            student_id=plan.case.student_id,
            data={"control_id": control.pk, "date": date, "text": text},
        )
        complete_tasks_for(
            student=plan.case.student,
            school=plan.school,
            kinds=[Task.Kind.PLAN_CONTROL],
            result=control,
            acting_user=acting_user,
            on=date,
        )
    return control


def overdue_measures(today: datetime.date):
    """Planned measures of active plans of open cases whose deadline has passed."""
    return PlanMeasure.objects.filter(
        status=PlanMeasure.Status.PLANNED,
        due_date__lt=today,
        plan__status=PreventionPlan.Status.ACTIVE,
    ).exclude(plan__case__status=Case.Status.CLOSED)


def flag_overdue_measures(*, today: datetime.date | None = None) -> int:
    """Put each overdue measure not flagged yet into its responsible person's inbox (a
    «выполнить просроченное мероприятие» task due today); how many were flagged. Safe to
    run twice, even at once: a measure is claimed under its row lock."""
    today = today or timezone.localdate()
    flagged = 0
    ids = list(overdue_measures(today).filter(overdue_task=None).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            measure = (
                PlanMeasure.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("plan__case__student", "plan__school", "responsible")
                .filter(pk=pk, overdue_task=None, status=PlanMeasure.Status.PLANNED)
                .first()
            )
            if measure is None:
                continue
            details = _("Просрочено мероприятие плана ИПР (срок %(due)s): %(what)s") % {
                "due": f"{measure.due_date:%d.%m.%Y}",
                "what": measure_text(measure),
            }
            measure.overdue_task = open_task(
                school=measure.plan.school,
                student=measure.plan.case.student,
                kind=Task.Kind.PLAN_MEASURE,
                assignee=measure.responsible,
                due_date=today,
                acting_user=None,
                details=details,
            )
            measure.save(update_fields=["overdue_task"])
            flagged += 1
    return flagged


def render_plan(plan: PreventionPlan, *, school_class=None) -> Document:
    """The plan as its paper form: approved by the director, a table of measures."""
    measures = list(plan.measures.select_related("responsible"))
    for measure in measures:
        measure.text = measure_text(measure)
    student = plan.case.student
    return render_pdf(
        "casework/print/plan.html",
        {
            "plan": plan,
            "student": student,
            "school": plan.school,
            "school_class": school_class,
            "class_teacher": school_class.class_teacher if school_class else None,
            "director": director_name(plan.school),
            "measures": measures,
            "controls": list(plan.controls.select_related("author").order_by("date", "pk")),
        },
        filename=f"План ИПР {student.last_name} {plan.start_date:%d.%m.%Y}.pdf",
    )
