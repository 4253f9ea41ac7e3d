from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path(
        "classes/<int:class_id>/day/contact/",
        views.class_day_contact,
        name="class_day_contact",
    ),
]
