from django.urls import path

from .views import cases, contacts, council, documents, dossier, plan, referrals, visits

app_name = "casework"
urlpatterns = [
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_id>/status/", cases.case_status, name="case_status"),
    path("cases/<int:case_id>/responsible/", cases.case_responsible, name="case_responsible"),
    path("cases/<int:case_id>/family-centre/", cases.case_family_centre, name="case_family_centre"),
    path("cases/<int:case_id>/contacts/", contacts.case_contact, name="case_contact"),
    path("cases/<int:case_id>/dossier.pdf", dossier.case_dossier, name="case_dossier"),
    path("students/<int:student_id>/case/", cases.student_case, name="student_case"),
    path(
        "classes/<int:class_id>/day/contact/",
        contacts.class_day_contact,
        name="class_day_contact",
    ),
    path(
        "classes/<int:class_id>/day/contact/form/",
        contacts.class_day_contact_form,
        name="class_day_contact_form",
    ),
    *visits.urlpatterns,
    *council.urlpatterns,
    *plan.urlpatterns,
    *referrals.urlpatterns,
    *documents.urlpatterns,
]
