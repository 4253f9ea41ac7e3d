"""The demo's prevention work (demo/casework.py): every state of a case exists in each
school, told through the casework services on past days, so every page has content."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from alerts.models import Alert, Task
from audit.models import AuditEntry
from casework.models import (
    Body,
    Case,
    Characteristic,
    Conclusion,
    CouncilHearing,
    CouncilSession,
    FamilyCentreStatus,
    HomeVisit,
    Memo,
    ParentContact,
    PlanMeasure,
    PreventionPlan,
    Referral,
    RegistryPlacement,
)
from casework.services.visits import ACT_FIELDS
from schools.models import School, SchoolClass
from tests.demo.conftest import TODAY

SCHOOLS = ("1", "2")


def school(n: str) -> School:
    return School.objects.get(short_name__contains=f"№ {n} ")


def user(username: str) -> User:
    return User.objects.get(username=username)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_seed_reports_the_casework(demo):
    assert "профилактическая работа за" in demo
    assert "профилактических дел:" in demo


@pytest.mark.parametrize("n", SCHOOLS)
def test_the_engine_raised_alerts_with_tasks_and_opened_cases(n):
    """The engine runs before the story: its alerts, tasks and cases are there to work."""
    s = school(n)
    assert Alert.objects.filter(school=s).exists()
    assert Task.objects.filter(school=s, alert__isnull=False).exists()
    assert Case.objects.filter(school=s, opened_by_alert__isnull=False).exists()


@pytest.mark.parametrize("n", SCHOOLS)
def test_open_cases_have_calls_and_meetings_with_reasons_and_absences_told(n):
    s = school(n)
    assert Case.objects.filter(school=s, status=Case.Status.OPEN).count() >= 4
    contacts = ParentContact.objects.filter(school=s)
    assert contacts.filter(contact_type=ParentContact.ContactType.PHONE_CALL).count() >= 5
    assert contacts.filter(contact_type=ParentContact.ContactType.MEETING).exists()
    assert contacts.exclude(stated_reason="").count() >= 5
    assert contacts.exclude(absences_told=[]).exists()
    # Doing the thing completes the task: the calls did some «phone the parents» tasks.
    assert Task.objects.filter(school=s, kind="phone_parents", status=Task.Status.DONE).exists()


@pytest.mark.parametrize("n", SCHOOLS)
def test_a_visit_done_with_every_field_of_its_act_and_one_awaiting_agreement(n):
    s = school(n)
    done = HomeVisit.objects.get(school=s, status=HomeVisit.Status.DONE)
    empty = [name for name in ACT_FIELDS if getattr(done, name) in ("", None, [])]
    assert empty == []
    assert done.members.count() == 2 and done.other_members
    assert done.visited_on < TODAY and done.agreed_at is not None
    planned = HomeVisit.objects.get(school=s, status=HomeVisit.Status.PLANNED)
    assert planned.agreed_at is None and planned.planned_for > TODAY
    assert Task.objects.filter(
        school=s, student=planned.student, kind="agree_home_visit", status=Task.Status.OPEN
    ).exists()


@pytest.mark.parametrize("n", SCHOOLS)
def test_a_session_held_with_one_hearing_in_absentia_and_one_with_the_parents(n):
    s = school(n)
    held = CouncilSession.objects.get(school=s, status=CouncilSession.Status.HELD)
    assert held.date < TODAY - datetime.timedelta(days=14)
    absentia = held.hearings.get(parents_present=False)
    assert absentia.held and absentia.in_absentia
    assert absentia.decision == CouncilHearing.Decision.REGISTRY
    assert Task.objects.filter(
        school=s, student=absentia.case.student, kind="notify_absent_parents"
    ).exists()
    present = held.hearings.get(parents_present=True)
    assert present.decision == CouncilHearing.Decision.HELP
    assert present.recommendations_child and present.recommendations_parents
    assert present.assignments.count() == 3
    assert all(a.task is not None for a in present.assignments.all())


@pytest.mark.parametrize("n", SCHOOLS)
def test_the_approved_conclusion_placed_the_child_with_a_diary(n):
    s = school(n)
    conclusion = Conclusion.objects.get(school=s)
    assert conclusion.status == Conclusion.Status.APPROVED
    assert conclusion.decided_by == user(f"director{n}")
    placement = RegistryPlacement.objects.get(school=s, removed_on=None)
    assert placement.conclusion == conclusion
    assert placement.observations.count() >= 2
    assert not Task.objects.filter(
        school=s, kind="approve_conclusion", status=Task.Status.OPEN
    ).exists()


@pytest.mark.parametrize("n", SCHOOLS)
def test_a_repeat_hearing_waits_and_next_weeks_session_is_planned(n):
    s = school(n)
    repeat = CouncilHearing.objects.get(school=s, previous__isnull=False)
    assert repeat.session is None and not repeat.held
    assert repeat.previous.review_date < TODAY
    assert Task.objects.filter(school=s, kind="repeat_hearing", status=Task.Status.OPEN).exists()
    planned = CouncilSession.objects.get(school=s, status=CouncilSession.Status.PLANNED)
    assert TODAY + datetime.timedelta(days=7) <= planned.date <= TODAY + datetime.timedelta(days=14)
    assert planned.hearings.exists()


@pytest.mark.parametrize("n", SCHOOLS)
def test_an_active_plan_with_catalogue_measures_one_overdue_and_weekly_control(n):
    s = school(n)
    plan = PreventionPlan.objects.get(school=s, status=PreventionPlan.Status.ACTIVE)
    measures = list(plan.measures.all())
    assert 5 <= len(measures) <= 6
    assert len({m.kind for m in measures}) == len(measures)
    assert sum(m.status == PlanMeasure.Status.DONE for m in measures) >= 2
    overdue = [m for m in measures if m.is_overdue(TODAY)]
    assert len(overdue) == 1
    assert overdue[0].overdue_task is not None
    assert overdue[0].overdue_task.status == Task.Status.OPEN
    assert plan.controls.count() >= 2
    assert plan.case.placements.filter(removed_on=None).exists()


@pytest.mark.parametrize("n", SCHOOLS)
def test_a_sop_family_with_four_notifications_one_sent(n):
    s = school(n)
    sop = Referral.objects.filter(school=s, purpose=Referral.Purpose.SOP)
    assert sop.count() == 4
    case = sop.first().case
    assert case.student.socially_dangerous_position
    sent = sop.get(status=Referral.Status.SENT)
    assert sent.body == Body.KDN and sent.outgoing_number and sent.sent_on < TODAY
    assert sop.filter(status=Referral.Status.DRAFT).count() == 3
    tasks = Task.objects.filter(school=s, student=case.student, kind="sop_notification")
    assert tasks.count() == 4
    assert tasks.filter(status=Task.Status.DONE).count() == 1
    assert tasks.filter(status=Task.Status.OPEN).count() == 3
    assert HomeVisit.objects.get(case=case).danger_found


@pytest.mark.parametrize("n", SCHOOLS)
def test_referrals_to_the_kdn_the_family_centre_and_the_psychologist(n):
    s = school(n)
    kdn = Referral.objects.get(school=s, purpose=Referral.Purpose.LIABILITY)
    assert kdn.body == Body.KDN and kdn.status == Referral.Status.ANSWERED and kdn.answer
    centre = Referral.objects.get(school=s, body=Body.FAMILY_CENTRE)
    assert centre.status == Referral.Status.ANSWERED
    assert centre.family_centre_status == FamilyCentreStatus.CONFIRMED
    assert centre.case.family_centre_status == FamilyCentreStatus.CONFIRMED
    psych = user(f"psych{n}")
    referral = Referral.objects.get(school=s, body=Body.PSYCHOLOGIST)
    assert referral.psychologist == psych
    assert psych.has_perm("casework.view_case", referral.case)


@pytest.mark.parametrize("n", SCHOOLS)
def test_a_memo_a_characteristic_a_case_in_monitoring_and_one_closed(n):
    s = school(n)
    assert Memo.objects.filter(school=s).exists()
    characteristic = Characteristic.objects.get(school=s)
    assert characteristic.addressee == Characteristic.Addressee.COUNCIL
    assert all(
        getattr(characteristic, name)
        for name in ("family", "study", "behaviour", "interests", "traits", "conclusion")
    )
    assert Case.objects.filter(school=s, status=Case.Status.MONITORING).count() == 1
    closed = Case.objects.get(school=s, status=Case.Status.CLOSED)
    assert closed.close_reason and closed.closed_at.date() < TODAY


@pytest.mark.parametrize("n", SCHOOLS)
def test_the_demo_class_teachers_class_holds_two_cases(n):
    school_class = SchoolClass.objects.get(class_teacher__username=f"classteacher{n}")
    cases = Case.objects.filter(student__enrollments__school_class=school_class).distinct()
    assert cases.count() >= 2


def test_nothing_is_dated_after_today():
    """The story happened in the past weeks: the records and the audit say so."""
    end = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time.max))
    assert not ParentContact.objects.filter(contacted_at__gt=end).exists()
    assert not Case.objects.filter(opened_at__gt=end).exists()
    assert not HomeVisit.objects.filter(visited_on__gt=TODAY).exists()
    assert not Referral.objects.filter(sent_on__gt=TODAY).exists()
    assert not AuditEntry.objects.filter(action__startswith="casework.", created_at__gt=end)
    assert AuditEntry.objects.filter(
        action="casework.contact.logged", created_at__lt=end - datetime.timedelta(days=14)
    ).exists()


@pytest.mark.parametrize("username", ["deputy1", "director1", "socped1", "classteacher1", "psych1"])
def test_the_case_list_and_each_visible_case_page_open(client, username):
    client.force_login(user(username))
    page = client.get(reverse("casework:case_list"))
    assert page.status_code == 200
    cases = [
        c
        for c in Case.objects.filter(school=school("1"))
        if user(username).has_perm("casework.view_case", c)
    ]
    assert len(cases) >= (1 if username == "psych1" else 2)
    for case in cases:
        assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 200


def test_the_council_registry_and_plan_pages_open_for_the_deputy(client):
    client.force_login(user("deputy1"))
    s = school("1")
    for session in CouncilSession.objects.filter(school=s):
        assert client.get(reverse("casework:council_session", args=[session.pk])).status_code == 200
    assert client.get(reverse("casework:registry")).status_code == 200
    placement = RegistryPlacement.objects.get(school=s)
    assert client.get(reverse("casework:registry_diary", args=[placement.pk])).status_code == 200
    plan = PreventionPlan.objects.get(school=s)
    assert client.get(reverse("casework:plan_detail", args=[plan.pk])).status_code == 200
