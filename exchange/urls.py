from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("school/<int:school_id>/ejournal/", views.ejournal, name="ejournal"),
    path("school/<int:school_id>/ejournal/letters/", views.letters, name="letters"),
    path("school/<int:school_id>/ejournal/conflicts/", views.conflicts, name="conflicts"),
    path("ejournal/<int:import_id>/", views.import_report, name="import"),
    path("ejournal/<int:import_id>/apply/", views.import_apply, name="import_apply"),
    path(
        "ejournal/conflict/<int:record_id>/resolve/",
        views.conflict_resolve,
        name="conflict_resolve",
    ),
]
