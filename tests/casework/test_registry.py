"""The intra-school registry (R-C-5): placement by the regional rule, removal, the school's
list, the observation diary."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, Rule
from alerts.services import evaluate
from audit.models import AuditEntry
from casework.models import ObservationEntry, RegistryPlacement
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    add_observation,
    open_case,
    remove_from_registry,
)
from casework.services.registry import place_at_criterion_22, place_on_registry
from journal.models import ReasonStatus
from policy.services import set_setting
from tests import factories
from tests.alerts.conftest import World

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def school(db):
    return factories.SchoolFactory()


@pytest.fixture
def people(school):
    return {
        "deputy": factories.staff_user(Role.DEPUTY, school),
        "social": factories.staff_user(Role.SOCIAL_PEDAGOGUE, school),
        "teacher": factories.staff_user(Role.CLASS_TEACHER, school),
    }


@pytest.fixture
def school_class(school, people):
    return factories.SchoolClassFactory(school=school, class_teacher=people["teacher"])


def _placed(school_class, *, days_ago=10, **student):
    child = factories.enrolled_student(school_class, **student)
    case = open_case(student_id=child.pk, school_id=school_class.school_id, reason="Пропуски")
    return place_on_registry(
        case=case,
        placed_on=TODAY - datetime.timedelta(days=days_ago),
        basis="Заключение Совета профилактики",
        acting_user=None,
    )


@pytest.fixture
def placement(school_class):
    return _placed(school_class, last_name="Сидоров")


# Placement --------------------------------------------------------------------------------


def test_child_is_placed_once_until_removed(placement):
    again = place_on_registry(
        case=placement.case, placed_on=TODAY, basis="Повторно", acting_user=None
    )
    assert again is None
    assert RegistryPlacement.objects.count() == 1


def _criterion_22_alert(case):
    return Alert.objects.create(
        school=case.school,
        student=case.student,
        rule=Rule.CRITERION_22,
        episode="2025-11-10",
        period_start=datetime.date(2025, 11, 10),
        period_end=datetime.date(2025, 11, 24),
    )


def test_criterion_22_places_only_where_the_region_chose_it(school, school_class):
    child = factories.enrolled_student(school_class)
    case = open_case(student_id=child.pk, school_id=school.pk, reason="Критерий №22")
    alert = _criterion_22_alert(case)
    assert place_at_criterion_22(alert=alert, case=case) is None  # default: the conclusion
    set_setting(
        key="casework.registry_placement",
        value="criterion_22",
        acting_user=factories.UserFactory(is_superuser=True),
        region=school.municipality.region,
    )
    placement = place_at_criterion_22(alert=alert, case=case)
    assert (placement.placed_on, placement.conclusion) == (datetime.date(2025, 11, 24), None)
    assert "Критерий №22" in placement.basis
    # The engine sends the same alert again: nothing new, and not after a removal either.
    assert place_at_criterion_22(alert=alert, case=case) is None
    remove_from_registry(
        placement=placement,
        removed_on=TODAY,
        reason="Вернулся к учёбе",
        acting_user=factories.UserFactory(is_superuser=True),
    )
    assert place_at_criterion_22(alert=alert, case=case) is None
    assert RegistryPlacement.objects.count() == 1


# Removal ----------------------------------------------------------------------------------


def test_deputy_removes_with_date_and_reason(placement, people):
    remove_from_registry(
        placement=placement, removed_on=TODAY, reason="Пропусков нет", acting_user=people["deputy"]
    )
    placement.refresh_from_db()
    assert (placement.removed_on, placement.removal_reason, placement.removed_by) == (
        TODAY,
        "Пропусков нет",
        people["deputy"],
    )
    assert AuditEntry.objects.filter(action="casework.registry.removed").exists()


@pytest.mark.parametrize(
    ("removed_on", "reason", "message"),
    [
        (TODAY - datetime.timedelta(days=30), "Исправился", "раньше постановки"),
        (TODAY + DAY, "Исправился", "в будущем"),
        (None, "Исправился", "дату"),
        (TODAY, "  ", "причину"),
    ],
)
def test_bad_removal_is_refused_and_changes_nothing(placement, people, removed_on, reason, message):
    with pytest.raises(CaseworkError, match=message):
        remove_from_registry(
            placement=placement, removed_on=removed_on, reason=reason, acting_user=people["deputy"]
        )
    placement.refresh_from_db()
    assert placement.removed_on is None


def test_removal_needs_the_registry_permission_and_happens_once(placement, people):
    with pytest.raises(CaseworkPermissionDenied):
        remove_from_registry(
            placement=placement, removed_on=TODAY, reason="x", acting_user=people["social"]
        )
    remove_from_registry(
        placement=placement, removed_on=TODAY, reason="x", acting_user=people["deputy"]
    )
    with pytest.raises(CaseworkError, match="уже снят"):
        remove_from_registry(
            placement=placement, removed_on=TODAY, reason="y", acting_user=people["deputy"]
        )


# Observation diary ------------------------------------------------------------------------


def test_class_teacher_keeps_the_observation_diary(placement, people):
    entry = add_observation(
        placement=placement,
        date=TODAY,
        attendance="Все уроки",
        progress="Удовлетворительно",
        behaviour="Без замечаний",
        text="Беседа с матерью",
        acting_user=people["teacher"],
    )
    assert (entry.author, entry.placement) == (people["teacher"], placement)
    assert AuditEntry.objects.filter(
        action="casework.registry.observation_added", student_id=placement.student_id
    ).exists()


@pytest.mark.parametrize(
    ("day", "text", "message"),
    [
        (TODAY + DAY, "Наблюдение", "в будущем"),
        (TODAY - datetime.timedelta(days=40), "Наблюдение", "раньше постановки"),
        (TODAY, "", "Опишите"),
        (None, "Наблюдение", "дату"),
    ],
)
def test_bad_observation_is_refused(placement, people, day, text, message):
    with pytest.raises(CaseworkError, match=message):
        add_observation(placement=placement, date=day, text=text, acting_user=people["teacher"])
    assert not ObservationEntry.objects.exists()


def test_teacher_of_another_class_keeps_no_diary(placement, school):
    stranger = factories.staff_user(Role.CLASS_TEACHER, school)
    with pytest.raises(CaseworkPermissionDenied):
        add_observation(placement=placement, date=TODAY, text="x", acting_user=stranger)


# Pages ------------------------------------------------------------------------------------


def test_registry_list_shows_the_active_and_on_request_the_removed(
    school, school_class, people, client
):
    active = _placed(school_class, last_name="Активов")
    removed = _placed(school_class, last_name="Снятов")
    remove_from_registry(
        placement=removed, removed_on=TODAY, reason="Исправился", acting_user=people["deputy"]
    )
    client.force_login(people["social"])
    url = reverse("casework:registry")
    page = client.get(url).content.decode()
    assert "Активов" in page and "Снятов" not in page
    assert str(school_class) in page
    page = client.get(url, {"school": school.pk, "removed": "on"}).content.decode()
    assert "Снятов" in page and "Исправился" in page
    assert reverse("casework:registry_remove", args=[active.pk]) not in page  # social: reads


def test_registry_list_reads_a_bounded_number_of_queries(school, school_class, people, client):
    for n in range(3):
        _placed(school_class, last_name=f"Учётов{n}")
    client.force_login(people["deputy"])
    client.get(reverse("casework:registry"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("casework:registry"))
    for n in range(3, 12):
        _placed(school_class, last_name=f"Учётов{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("casework:registry"))
    assert len(many) == len(few)


def test_removal_page_refuses_a_date_before_placement(placement, people, client):
    client.force_login(people["deputy"])
    url = reverse("casework:registry_remove", args=[placement.pk])
    response = client.post(url, {"removed_on": "2000-01-01", "reason": "Исправился"})
    assert response.status_code == 200
    assert "раньше постановки" in response.content.decode()
    placement.refresh_from_db()
    assert placement.removed_on is None
    response = client.post(url, {"removed_on": "не дата", "reason": "Исправился"})
    assert response.status_code == 200
    assert client.post(url, {"removed_on": f"{TODAY}", "reason": "Исправился"}).status_code == 302
    placement.refresh_from_db()
    assert placement.removed_on == TODAY


def test_diary_page_adds_an_entry_shown_on_the_case_page(placement, people, client):
    client.force_login(people["teacher"])
    url = reverse("casework:registry_diary", args=[placement.pk])
    response = client.post(
        url, {"date": f"{TODAY}", "behaviour": "Без замечаний", "text": "Пришёл на все уроки"}
    )
    assert response.status_code == 302
    assert "Пришёл на все уроки" in client.get(url).content.decode()
    case_page = client.get(reverse("casework:case_detail", args=[placement.case_id]))
    assert "Пришёл на все уроки" in case_page.content.decode()


# Criterion №22 through the threshold engine ----------------------------------------------


@pytest.mark.parametrize(
    ("rule", "placed"), [("council_conclusion", False), ("criterion_22", True)]
)
def test_criterion_22_alert_of_the_engine_places_by_the_regional_setting(db, rule, placed):
    world = World()
    set_setting(
        key="casework.registry_placement",
        value=rule,
        acting_user=factories.UserFactory(is_superuser=True),
        region=world.school.municipality.region,
    )
    days = _weekdays(datetime.date(2026, 1, 12), 12)
    world.miss(days, ReasonStatus.UNKNOWN)
    tz = timezone.get_current_timezone()
    evaluate(
        school_ids=[world.school.pk],
        now=datetime.datetime.combine(days[-1], datetime.time(20), tzinfo=tz),
    )
    assert Alert.objects.filter(student=world.student, rule=Rule.CRITERION_22).exists()
    placements = RegistryPlacement.objects.filter(student=world.student)
    assert placements.exists() == placed
    if placed:
        [placement] = placements
        assert placement.case.student == world.student and placement.conclusion is None
        assert "Критерий №22" in placement.basis


def _weekdays(start, count):
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += DAY
    return days
