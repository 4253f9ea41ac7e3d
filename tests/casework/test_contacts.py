"""Parent contacts (R-C-2): log_parent_contact and where contacts are shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEntry
from casework.models import ParentContact
from casework.services import CaseworkError, CaseworkPermissionDenied, log_parent_contact
from tests import factories
from tests.journal.helpers import class_teacher_for


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


@pytest.fixture
def mother(student):
    return factories.GuardianFactory(student=student, full_name="Иванова Ольга Петровна")


def _log(student, school, user, **kwargs):
    params = {
        "contact_type": ParentContact.ContactType.PHONE_CALL,
        "contacted_at": timezone.now() - datetime.timedelta(minutes=10),
        "result": ParentContact.Result.REACHED,
    }
    params.update(kwargs)
    return log_parent_contact(student=student, school=school, acting_user=user, **params)


def test_call_is_recorded_with_an_audit_entry(school, teacher, student, mother):
    contact = _log(
        student,
        school,
        teacher,
        guardian=mother,
        summary="Мама сказала, что сын у бабушки",
        stated_reason="семейные обстоятельства",
        next_step="принести объяснительную",
    )

    assert (contact.guardian_name, contact.staff, contact.school) == (
        "Иванова Ольга Петровна",
        teacher,
        school,
    )
    entry = AuditEntry.objects.get(action="casework.contact.logged")
    assert (entry.actor, entry.school, entry.object_id) == (teacher, school, str(contact.pk))
    assert entry.data["student_id"] == student.pk


def test_contact_with_someone_not_on_file_keeps_the_name(school, teacher, student):
    contact = _log(
        student,
        school,
        teacher,
        contact_type=ParentContact.ContactType.MEETING,
        guardian_name="Бабушка, Петрова Нина Ивановна",
    )
    assert (contact.guardian, contact.guardian_name) == (None, "Бабушка, Петрова Нина Ивановна")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Укажите, с кем состоялся контакт."),
        ({"guardian_name": "Мама", "result": "maybe"}, "Укажите результат контакта."),
        ({"guardian_name": "Мама", "contact_type": "pigeon"}, "Неизвестный вид контакта."),
        (
            {"guardian_name": "Мама", "contacted_at": timezone.now() + datetime.timedelta(days=1)},
            "Время контакта не может быть в будущем.",
        ),
    ],
)
def test_invalid_contact_is_refused_and_nothing_recorded(school, teacher, student, kwargs, message):
    with pytest.raises(CaseworkError, match=message):
        _log(student, school, teacher, **kwargs)
    assert not ParentContact.objects.exists()
    assert not AuditEntry.objects.filter(action="casework.contact.logged").exists()


def test_guardian_of_another_child_is_refused(school, teacher, student):
    stranger = factories.GuardianFactory()
    with pytest.raises(CaseworkError, match="относится к другому ребёнку"):
        _log(student, school, teacher, guardian=stranger)
    assert not ParentContact.objects.exists()


def test_student_of_another_school_is_refused(school, other_school, teacher):
    foreign = factories.enrolled_student(factories.SchoolClassFactory(school=other_school))
    with pytest.raises(CaseworkError, match="не числится"):
        _log(foreign, school, teacher, guardian_name="Мама")
    assert not ParentContact.objects.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR])
def test_whole_school_staff_may_log_contacts(school, student, role):
    _log(student, school, factories.staff_user(role, school), guardian_name="Мама")
    assert ParentContact.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SUBJECT_TEACHER, Role.PSYCHOLOGIST, Role.SCHOOL_ADMIN])
def test_other_roles_may_not_log_contacts(school, student, role):
    with pytest.raises(CaseworkPermissionDenied):
        _log(student, school, factories.staff_user(role, school), guardian_name="Мама")
    assert not ParentContact.objects.exists()


def test_class_teacher_of_another_class_may_not_log_contacts(school, student):
    other_teacher = class_teacher_for(factories.SchoolClassFactory(school=school))
    with pytest.raises(CaseworkPermissionDenied):
        _log(student, school, other_teacher, guardian_name="Мама")


def test_student_card_lists_contacts_for_those_allowed(client, school, teacher, student, mother):
    _log(student, school, teacher, guardian=mother, stated_reason="болезнь")
    url = reverse("journal:student_card", args=[student.pk])

    client.force_login(teacher)
    page = client.get(url)
    assert [c.guardian_name for c in page.context["contacts"]] == ["Иванова Ольга Петровна"]
    assert "болезнь" in page.text
