from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import endpoints, tokens
from .views.docs import SwaggerPage

app_name = "api"

urlpatterns = [
    # Pages: tokens.
    path("tokens/", tokens.personal_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.revoke, name="token_revoke"),
    path("schools/<int:school_id>/tokens/", tokens.school_tokens, name="school_tokens"),
    # The REST API, version 1 (docs/api.md).
    path("v1/me/lessons/", endpoints.MyLessons.as_view(), name="v1_my_lessons"),
    path("v1/lessons/<int:lesson_id>/", endpoints.LessonDetail.as_view(), name="v1_lesson"),
    path(
        "v1/lessons/<int:lesson_id>/marks/<int:student_id>/",
        endpoints.LessonMark.as_view(),
        name="v1_lesson_mark",
    ),
    path(
        "v1/schools/<int:school_id>/students/",
        endpoints.SchoolStudents.as_view(),
        name="v1_school_students",
    ),
    path(
        "v1/schools/<int:school_id>/alerts/",
        endpoints.SchoolAlerts.as_view(),
        name="v1_school_alerts",
    ),
    path(
        "v1/schools/<int:school_id>/tasks/",
        endpoints.SchoolTasks.as_view(),
        name="v1_school_tasks",
    ),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SwaggerPage.as_view(url_name="api:schema"), name="docs"),
]
