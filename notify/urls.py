from django.urls import path

from . import public, views

app_name = "notify"
urlpatterns = [
    path("school/<int:school_id>/template/", views.template_page, name="template"),
    path("school/<int:school_id>/template/reset/", views.template_reset, name="template_reset"),
    path("school/<int:school_id>/log/", views.log_page, name="log"),
    path(
        "school/<int:school_id>/guardians/<int:guardian_id>/opt-out/",
        views.guardian_opt_out,
        name="guardian_opt_out",
    ),
    path(
        "school/<int:school_id>/deliveries/<int:delivery_id>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
    # The guardian's page behind the message's signed link: no account.
    path("p/<str:token>/", public.guardian_page, name="guardian"),
    path("p/<str:token>/opt-out/", public.guardian_opt_out, name="guardian_opt_out_public"),
]
