from django.urls import path

from .views import marking

urlpatterns = [
    path("lessons/", marking.my_lessons, name="my_lessons"),
    path("lessons/<int:lesson_id>/", marking.lesson_detail, name="lesson"),
    path("lessons/<int:lesson_id>/mark/", marking.lesson_mark, name="lesson_mark"),
    path("lessons/<int:lesson_id>/confirm/", marking.lesson_confirm, name="lesson_confirm"),
    path("unmarked/", marking.unmarked_lessons, name="unmarked"),
]
