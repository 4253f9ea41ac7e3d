from django.urls import path

from .views import class_day, excuses, registries, student_card

urlpatterns = [
    path("classes/<int:class_id>/day/", class_day.class_day, name="class_day"),
    path(
        "classes/<int:class_id>/day/reasons/",
        class_day.class_day_reasons,
        name="class_day_reasons",
    ),
    path(
        "classes/<int:class_id>/parent-notes/<int:note_id>/confirm/",
        class_day.guardian_note_confirm,
        name="guardian_note_confirm",
    ),
    path(
        "classes/<int:class_id>/parent-notes/<int:note_id>/reject/",
        class_day.guardian_note_reject,
        name="guardian_note_reject",
    ),
    path("classes/<int:class_id>/grid/", student_card.class_grid, name="class_grid"),
    path("students/<int:student_id>/", student_card.student_card, name="student_card"),
    path("students/<int:student_id>/excuses/", excuses.excuse_list, name="excuse_list"),
    path("students/<int:student_id>/excuses/add/", excuses.excuse_add, name="excuse_add"),
    path("excuses/<int:excuse_id>/withdraw/", excuses.excuse_withdraw, name="excuse_withdraw"),
    path("excuses/<int:excuse_id>/scan/", excuses.excuse_scan, name="excuse_scan"),
    path("registries/<str:kind>/", registries.registry, name="registry"),
    path("registries/<str:kind>/export/", registries.registry_export, name="registry_export"),
]
