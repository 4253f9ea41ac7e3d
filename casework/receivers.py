"""Casework acts on the threshold engine's signals and adds its panels to journal pages."""

from urllib.parse import urlencode

from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse

from alerts.models import Rule
from alerts.signals import cases_needed
from journal.signals import class_day_panels, student_card_panels

from .models import Case, ParentContact
from .services.cases import open_cases_for_alerts
from .services.registry import place_at_criterion_22


@receiver(cases_needed)
def open_cases_for_raised_alerts(sender, *, requests, **kwargs):
    """Open (or join) the children's cases; a criterion №22 alert may then place the child
    on the registry, where the region says so."""
    cases = open_cases_for_alerts(requests)
    for request in requests:
        alert = request.alert
        case = cases.get((alert.student_id, alert.school_id))
        if alert.rule == Rule.CRITERION_22 and case is not None:
            place_at_criterion_22(alert=alert, case=case)


@receiver(class_day_panels)
def class_day_contacts(sender, *, request, school_class, day, students, **kwargs):
    """Each student's contacts with the parents that day and, for those who keep them, the
    way to log one (its form is loaded when opened). One query, whatever the number of
    students."""
    if not students:
        return {}
    contacts: dict[int, list[ParentContact]] = {student.pk: [] for student in students}
    of_day = ParentContact.objects.filter(
        student_id__in=list(contacts), school_id=school_class.school_id, contacted_at__date=day
    ).order_by("contacted_at")
    for contact in of_day:
        contacts[contact.student_id].append(contact)
    # Asked of the class: whoever keeps the class's contacts keeps each student's.
    can_log = request.user.has_perm("casework.log_parent_contact", school_class)
    form_url = reverse("casework:class_day_contact_form", args=[school_class.pk])
    panels = {}
    for student in students:
        panels[student.pk] = render_to_string(
            "casework/_class_day_contacts.html",
            {
                "contacts": contacts[student.pk],
                "form_url": f"{form_url}?{urlencode({'student': student.pk, 'date': day})}"
                if can_log
                else "",
            },
            request=request,
        )
    return panels


@receiver(student_card_panels)
def student_card_contacts(sender, *, request, student, school, **kwargs):
    """The contacts with the parents, for those who may read them."""
    if not request.user.has_perm("casework.view_parent_contacts", student):
        return None
    contacts = (
        ParentContact.objects.filter(student=student, school=school)
        .select_related("staff")
        .order_by("-contacted_at", "-pk")
    )
    case = (
        Case.objects.filter(student=student, school=school)
        .exclude(status=Case.Status.CLOSED)
        .first()
    )
    return render_to_string(
        "casework/_student_card_contacts.html",
        {
            "contacts": contacts,
            "case": case,
            "student": student,
            "can_open": case is None and request.user.has_perm("casework.open_case", student),
        },
        request=request,
    )
