from django.urls import path

from .views import classes, imports, index, leadership, staff, subjects

app_name = "administration"
urlpatterns = [
    path("", index.index, name="index"),
    path("school/<int:school_id>/classes/", classes.class_list, name="classes"),
    path("school/<int:school_id>/classes/add/", classes.class_add, name="class_add"),
    path("class/<int:class_id>/", classes.class_edit, name="class_edit"),
    path("class/<int:class_id>/close/", classes.class_close, name="class_close"),
    path("school/<int:school_id>/staff/", staff.staff_list, name="staff"),
    path("school/<int:school_id>/staff/add/", staff.staff_add, name="staff_add"),
    path("school/<int:school_id>/staff/<int:user_id>/", staff.staff_member, name="staff_member"),
    path(
        "school/<int:school_id>/staff/<int:user_id>/grant/", staff.staff_grant, name="staff_grant"
    ),
    path(
        "school/<int:school_id>/staff/<int:user_id>/deactivate/",
        staff.staff_deactivate,
        name="staff_deactivate",
    ),
    path("role/<int:assignment_id>/revoke/", staff.role_revoke, name="role_revoke"),
    path("school/<int:school_id>/subjects/", subjects.subject_list, name="subjects"),
    path("subject/<int:subject_id>/", subjects.subject_edit, name="subject_edit"),
    path("subject/<int:subject_id>/archive/", subjects.subject_archive, name="subject_archive"),
    path("school/<int:school_id>/import/", imports.import_index, name="import"),
    path(
        "school/<int:school_id>/import/template/<slug:kind>/",
        imports.import_template,
        name="import_template",
    ),
    path("import/<int:job_id>/", imports.import_job, name="import_job"),
    path("import/<int:job_id>/apply/", imports.import_apply, name="import_apply"),
    path("import/<int:job_id>/report/", imports.import_report, name="import_report"),
    path(
        "municipality/<int:municipality_id>/leadership/",
        leadership.leadership,
        name="leadership",
    ),
]
