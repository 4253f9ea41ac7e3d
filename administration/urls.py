from django.urls import path

from .views import (
    classes,
    imports,
    index,
    leadership,
    lessons,
    rollover,
    staff,
    students,
    subjects,
    timetable,
)

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
    path("school/<int:school_id>/students/", students.student_list, name="students"),
    path("school/<int:school_id>/students/add/", students.student_add, name="student_add"),
    path(
        "school/<int:school_id>/students/<int:student_id>/",
        students.student_card,
        name="student",
    ),
    path(
        "school/<int:school_id>/students/<int:student_id>/edit/",
        students.student_edit,
        name="student_edit",
    ),
    path(
        "school/<int:school_id>/students/<int:student_id>/enrol/",
        students.student_enrol,
        name="student_enrol",
    ),
    path(
        "school/<int:school_id>/students/<int:student_id>/transfer/",
        students.student_transfer,
        name="student_transfer",
    ),
    path(
        "school/<int:school_id>/students/<int:student_id>/withdraw/",
        students.student_withdraw,
        name="student_withdraw",
    ),
    path(
        "school/<int:school_id>/students/<int:student_id>/guardians/add/",
        students.guardian_add,
        name="guardian_add",
    ),
    path(
        "school/<int:school_id>/guardians/<int:guardian_id>/",
        students.guardian_edit,
        name="guardian_edit",
    ),
    path(
        "school/<int:school_id>/guardians/<int:guardian_id>/remove/",
        students.guardian_remove,
        name="guardian_remove",
    ),
    path("school/<int:school_id>/subjects/", subjects.subject_list, name="subjects"),
    path("subject/<int:subject_id>/", subjects.subject_edit, name="subject_edit"),
    path("subject/<int:subject_id>/archive/", subjects.subject_archive, name="subject_archive"),
    path("school/<int:school_id>/rollover/", rollover.rollover, name="rollover"),
    path("school/<int:school_id>/timetable/", timetable.timetable, name="timetable"),
    path("class/<int:class_id>/timetable/", timetable.timetable_class, name="timetable_class"),
    path("timetable-entry/<int:entry_id>/", timetable.entry_edit, name="timetable_entry"),
    path(
        "timetable-entry/<int:entry_id>/remove/",
        timetable.entry_remove,
        name="timetable_entry_remove",
    ),
    path("class/<int:class_id>/groups/add/", timetable.group_add, name="group_add"),
    path("group/<int:group_id>/", timetable.group_edit, name="group_edit"),
    path("group/<int:group_id>/remove/", timetable.group_remove, name="group_remove"),
    path("school/<int:school_id>/bells/", timetable.bells, name="bells"),
    path("bell/<int:period_id>/", timetable.bell_edit, name="bell_edit"),
    path("bell/<int:period_id>/remove/", timetable.bell_remove, name="bell_remove"),
    path(
        "school/<int:school_id>/lessons/generate/",
        lessons.generation,
        name="lesson_generation",
    ),
    path("school/<int:school_id>/lessons/", lessons.lessons, name="lessons"),
    path("lesson/<int:lesson_id>/replace/", lessons.lesson_replace, name="lesson_replace"),
    path("lesson/<int:lesson_id>/cancel/", lessons.lesson_cancel, name="lesson_cancel"),
    path("lesson/<int:lesson_id>/restore/", lessons.lesson_restore, name="lesson_restore"),
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
