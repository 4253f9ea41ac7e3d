"""The REST API, version 1 (docs/api.md). Thin: each view reads its input, fetches through
the apps' scoped selectors (another school's object: 404) and calls their services."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.inputs import parse_day, parse_id
from alerts.models import Alert, Task
from alerts.selectors import visible_tasks, with_class
from audit.services import log_read
from journal.models import Lesson
from journal.selectors import (
    get_lesson_for_user,
    lesson_roster,
    lessons_taught_on,
    marks_of_lesson,
)
from journal.services import ClientKeyConflict, JournalError, set_mark_once
from journal.services.marks import (
    PRESENT,
    check_client_key,
    marking_refusal,
    with_marking_times,
)
from schools.models import Enrollment
from schools.selectors import get_school_for_user, visible_students

from .. import serializers
from ..permissions import (
    ScopedAccess,
    check_object_in_reach,
    check_school_in_reach,
    integration_school_id,
    token_of,
)
from ..rest import Pages
from ..scopes import Scope

IDEMPOTENCY_HEADER = "Idempotency-Key"


class Refused(APIException):
    """A well-formed request the journal refuses (the lesson has not begun, is cancelled,
    the student is not on its roster …)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


class KeyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT


class ApiView(APIView):
    permission_classes = [ScopedAccess]


def _day(request) -> datetime.date:
    value = request.query_params.get("date")
    return timezone.localdate() if value in (None, "") else parse_day(value)


def _choice(request, name: str, allowed, default: str) -> str:
    value = request.query_params.get(name) or default
    if value not in allowed:
        raise ValidationError(
            {
                "detail": _("Параметр «%(name)s»: одно из %(values)s.")
                % {"name": name, "values": ", ".join(allowed)}
            }
        )
    return value


@extend_schema(
    parameters=[
        OpenApiParameter(
            "date", OpenApiTypes.DATE, description=_("День (ГГГГ-ММ-ДД), по умолчанию сегодня.")
        )
    ],
    responses=serializers.MyLesson(many=True),
    summary=_("Мои уроки за день"),
)
class MyLessons(ApiView):
    """The lessons the user teaches on a day, substitutions included."""

    required_scope = Scope.MARKS_READ

    def get(self, request):
        lessons = lessons_taught_on(request.user, _day(request))
        school_id = integration_school_id(request)
        if school_id is not None:
            lessons = lessons.filter(school_id=school_id)
        lessons = with_marking_times(list(lessons))
        return Response(serializers.MyLesson(lessons, many=True).data)


def _roster(lesson: Lesson) -> list[dict]:
    marks = marks_of_lesson(lesson)
    rows = []
    for student in lesson_roster(lesson):
        mark = marks.get(student.pk)
        rows.append(
            {
                "student": student,
                "kind": mark.kind if mark else PRESENT,
                "minutes_late": mark.minutes_late if mark else None,
                "reason_status": mark.reason_status if mark and mark.is_absence else None,
            }
        )
    return rows


@extend_schema(responses=serializers.LessonDetail, summary=_("Урок: состав и отметки"))
class LessonDetail(ApiView):
    """A lesson with its roster and marks, and whether the caller may mark it now."""

    required_scope = Scope.MARKS_READ

    def get(self, request, lesson_id):
        lesson_id = parse_id(lesson_id)
        check_object_in_reach(request, Lesson.objects, lesson_id)
        lesson = get_lesson_for_user(request.user, lesson_id)
        with_marking_times([lesson])
        token = token_of(request)
        refusal = marking_refusal(request.user, lesson, bell=lesson.bell)
        if not refusal and token is not None and not token.allows(Scope.MARKS_WRITE):
            refusal = _("У токена нет права «%(scope)s».") % {"scope": Scope.MARKS_WRITE}
        lesson.can_mark, lesson.refusal, lesson.roster = not refusal, refusal, _roster(lesson)
        return Response(serializers.LessonDetail(lesson).data)


def _client_key(request, body_key: str | None) -> str:
    header_key = request.headers.get(IDEMPOTENCY_HEADER)
    if header_key and body_key and header_key != body_key:
        raise ValidationError(
            {
                "detail": _(
                    "Ключ запроса в заголовке Idempotency-Key и в поле client_key различается."
                )
            }
        )
    key = header_key or body_key
    if not key:
        raise ValidationError(
            {"detail": _("Нужен ключ запроса: заголовок Idempotency-Key или поле client_key.")}
        )
    try:
        return check_client_key(key)
    except JournalError as error:
        raise ValidationError({"detail": str(error)}) from None


@extend_schema(
    request=serializers.MarkInput,
    responses=serializers.MarkResult,
    parameters=[
        OpenApiParameter(
            IDEMPOTENCY_HEADER,
            OpenApiTypes.STR,
            location=OpenApiParameter.HEADER,
            description=_(
                "Ключ запроса клиента (например UUID): повтор с тем же ключом ничего не меняет "
                "и возвращает тот же ответ. Или поле client_key."
            ),
        )
    ],
    summary=_("Отметить обучающегося на уроке"),
)
class LessonMark(ApiView):
    """Set one student's mark, once per client key (journal.services.marks.set_mark_once)."""

    required_scope = Scope.MARKS_WRITE

    def put(self, request, lesson_id, student_id):
        lesson_id, student_id = parse_id(lesson_id), parse_id(student_id)
        check_object_in_reach(request, Lesson.objects, lesson_id)
        lesson = get_lesson_for_user(request.user, lesson_id)
        body = serializers.MarkInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            outcome = set_mark_once(
                lesson=lesson,
                student_id=student_id,
                kind=data["kind"],
                minutes_late=data.get("minutes_late"),
                acting_user=request.user,
                client_key=_client_key(request, data.get("client_key")),
            )
        except ClientKeyConflict as conflict:
            raise KeyConflict(str(conflict)) from None
        except JournalError as refusal:
            raise Refused(str(refusal)) from None
        response = Response(serializers.MarkResult(outcome.request).data)
        response["Idempotent-Replayed"] = "true" if outcome.replayed else "false"
        return response


class SchoolList(ApiView):
    """A paginated list of one school's objects; ``school_perm`` opens the school."""

    pagination_class = Pages
    school_perm = "schools.view_school"

    def school(self, request, school_id):
        school_id = parse_id(school_id)
        check_school_in_reach(request, school_id)
        return get_school_for_user(request.user, school_id, perm=self.school_perm)

    def page(self, request, rows, serializer):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


@extend_schema(responses=serializers.SchoolStudent(many=True), summary=_("Обучающиеся школы"))
class SchoolStudents(SchoolList):
    """The school's students enrolled today whom the user may see (a subject teacher: the
    classes they teach; a psychologist: the students referred to them), by class."""

    required_scope = Scope.STUDENTS_READ

    def get(self, request, school_id):
        school = self.school(request, school_id)
        enrollments = (
            Enrollment.objects.on(timezone.localdate())
            .filter(school=school, student__in=visible_students(request.user))
            .select_related("student", "school_class")
            .order_by(
                "school_class__grade",
                "school_class__letter",
                "student__last_name",
                "student__first_name",
                "pk",
            )
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(enrollments, request, view=self)
        # Children's names: the read is logged like a page's list (one entry for the page).
        token = token_of(request)
        log_read(
            actor=request.user,
            action="api.students.listed",
            obj=school,
            school_id=school.pk,
            student_ids=[enrollment.student_id for enrollment in page],
            data={"token": token.pk} if token is not None else {},
        )
        return paginator.get_paginated_response(serializers.SchoolStudent(page, many=True).data)


@extend_schema(
    parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "resolved", "all"])],
    responses=serializers.AlertRow(many=True),
    summary=_("Сигналы школы"),
)
class SchoolAlerts(SchoolList):
    """The school's alerts (open by default), newest first: its whole-school staff."""

    required_scope = Scope.ALERTS_READ
    school_perm = "alerts.view_school_alerts"

    def get(self, request, school_id):
        school = self.school(request, school_id)
        wanted = _choice(request, "status", [*Alert.Status.values, "all"], Alert.Status.OPEN)
        alerts = Alert.objects.filter(school=school)
        if wanted != "all":
            alerts = alerts.filter(status=wanted)
        alerts = with_class(alerts.select_related("student")).order_by("-fired_at", "-pk")
        return self.page(request, alerts, serializers.AlertRow)


@extend_schema(
    parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "done", "cancelled", "all"])
    ],
    responses=serializers.TaskRow(many=True),
    summary=_("Задачи школы"),
)
class SchoolTasks(SchoolList):
    """The school's tasks the user sees (their own; a deputy's or director's: all), by due date."""

    required_scope = Scope.TASKS_READ

    def get(self, request, school_id):
        school = self.school(request, school_id)
        wanted = _choice(request, "status", [*Task.Status.values, "all"], Task.Status.OPEN)
        tasks = visible_tasks(request.user).filter(school=school)
        if wanted != "all":
            tasks = tasks.filter(status=wanted)
        tasks = tasks.select_related("student", "assignee").order_by("due_date", "pk")
        return self.page(request, tasks, serializers.TaskRow)
