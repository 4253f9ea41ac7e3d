"""Reads for the message pages, scoped to the user."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.access import get_object_for_user
from schools.models import Enrollment, Guardian, School

from .models import AbsenceNotice, Delivery


def get_school_for_user(user, school_id: int) -> School:
    """The school whose messages the user keeps: 404 to outsiders, 403 to other staff."""
    return get_object_for_user(
        user,
        School.objects.select_related("municipality"),
        perm="notify.manage_messages",
        pk=school_id,
    )


def notices_of_day(school: School, day: datetime.date) -> QuerySet[AbsenceNotice]:
    """The day's notices with their deliveries and guardians, in a fixed number of queries."""
    return (
        AbsenceNotice.objects.filter(school=school, date=day)
        .select_related("student")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("guardian__message_preference").order_by(
                    "pk"
                ),
            )
        )
        .order_by("student__last_name", "student__first_name", "pk")
    )


def get_guardian_of_school(school: School, guardian_id: int) -> Guardian:
    """A guardian of a child who is or was in the school, else 404."""
    students = Enrollment.objects.filter(school_id=school.pk).values("student_id")
    guardian = (
        Guardian.objects.filter(pk=guardian_id, student_id__in=students)
        .select_related("message_preference")
        .first()
    )
    if guardian is None:
        raise Http404
    return guardian


def get_delivery_of_school(school: School, delivery_id: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(pk=delivery_id, notice__school_id=school.pk)
        .select_related("notice")
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def opted_out_guardians(school: School) -> QuerySet[Guardian]:
    students = Enrollment.objects.filter(school_id=school.pk).values("student_id")
    return (
        Guardian.objects.filter(student_id__in=students, message_preference__opted_out=True)
        .select_related("student", "message_preference")
        .order_by("student__last_name", "student__first_name", "pk")
    )
