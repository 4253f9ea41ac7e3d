"""What the API answers and accepts. Read-only shapes of the journal's, schools' and alerts'
objects; the one body it accepts is a mark (MarkInput)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from journal.models import Mark
from journal.services.marks import MAX_MINUTES_LATE, PRESENT


class ClassRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    grade = serializers.IntegerField()
    letter = serializers.CharField()


class StudentRef(serializers.Serializer):
    id = serializers.IntegerField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    patronymic = serializers.CharField()


class LessonSummary(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    period = serializers.IntegerField(help_text=_("Номер урока в расписании звонков."))
    school_id = serializers.IntegerField()
    school_class = ClassRef()
    group = serializers.CharField(source="group.name", allow_null=True, default=None)
    subject = serializers.CharField(source="subject.name")
    status = serializers.CharField(help_text=_("scheduled, cancelled…"))
    duration_minutes = serializers.IntegerField()
    attendance_taken_at = serializers.DateTimeField(allow_null=True)
    opens_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Когда откроется отметка, если урок ещё не начался.")
    )


class MyLesson(LessonSummary):
    absent_count = serializers.IntegerField()
    late_count = serializers.IntegerField()


class RosterRow(serializers.Serializer):
    student = StudentRef()
    kind = serializers.ChoiceField(choices=[PRESENT, *Mark.Kind.values])
    minutes_late = serializers.IntegerField(allow_null=True)
    reason_status = serializers.CharField(allow_null=True, help_text=_("Только у отметок «Н»."))


class LessonDetail(LessonSummary):
    teacher = serializers.CharField(source="teacher.get_full_name")
    can_mark = serializers.BooleanField()
    refusal = serializers.CharField(
        help_text=_("Почему сейчас нельзя отметить; пусто, если можно.")
    )
    roster = RosterRow(many=True)


class MarkInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[PRESENT, *Mark.Kind.values],
        help_text=_("present — присутствует (отметка снимается), absent — «Н», late — опоздание."),
    )
    minutes_late = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_MINUTES_LATE
    )
    client_key = serializers.CharField(
        required=False,
        max_length=100,
        help_text=_("Ключ запроса, если не передан заголовком Idempotency-Key."),
    )


class MarkResult(serializers.Serializer):
    lesson = serializers.IntegerField(source="lesson_id")
    student = serializers.IntegerField(source="student_id")
    kind = serializers.CharField()
    minutes_late = serializers.IntegerField(allow_null=True)
    client_key = serializers.CharField()


class SchoolStudent(serializers.Serializer):
    """A current enrollment of the school: the student and their class."""

    student = StudentRef()
    school_class = ClassRef()
    enrolled_on = serializers.DateField(source="start_date")


class AlertRow(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    rule_name = serializers.CharField(source="get_rule_display")
    student = StudentRef()
    school_class = serializers.SerializerMethodField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.CharField()
    fired_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    def get_school_class(self, alert) -> str | None:
        if alert.class_grade is None:
            return None
        return f"{alert.class_grade} «{alert.class_letter}»"


class TaskRow(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_name = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    student = StudentRef()
    assignee_role = serializers.CharField()
    assignee = serializers.CharField(source="assignee.get_full_name", allow_null=True, default=None)
    alert_id = serializers.IntegerField(allow_null=True)
