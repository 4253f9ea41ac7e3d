"""Timetable (R-CAL-3): weekly template → concrete lessons."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .calendar import WEEKDAY_CHOICES


class BellPeriod(models.Model):
    """One period of the bell schedule (расписание звонков)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("урок №"))
    start_time = models.TimeField(_("начало"))
    end_time = models.TimeField(_("окончание"))

    class Meta:
        verbose_name = _("звонок")
        verbose_name_plural = _("расписание звонков")
        ordering = ["school", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="unique_bell_period")
        ]

    def __str__(self):
        return f"{self.number}: {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimetableEntry(models.Model):
    """A line of the weekly template: class (or subgroup), weekday, period, subject, teacher."""

    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.CASCADE, related_name="timetable_entries"
    )
    group = models.ForeignKey(
        "schools.ClassGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("день недели"), choices=WEEKDAY_CHOICES)
    period = models.PositiveSmallIntegerField(_("урок №"))
    subject = models.ForeignKey("schools.Subject", on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timetable_entries"
    )
    room = models.CharField(_("кабинет"), max_length=20, blank=True)
    valid_from = models.DateField(_("действует с"))
    valid_to = models.DateField(_("действует по"), null=True, blank=True)

    class Meta:
        verbose_name = _("строка расписания")
        verbose_name_plural = _("шаблон расписания")
        ordering = ["school_class", "weekday", "period"]

    def __str__(self):
        return f"{self.school_class} {self.get_weekday_display()} {self.period}: {self.subject}"

    def active_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def audit_school(self):
        return self.school_class.school


class Lesson(models.Model):
    """A concrete lesson: one academic hour of a class or subgroup on a date."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("по расписанию")
        CANCELLED = "cancelled", _("отменён")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.CASCADE, related_name="lessons"
    )
    group = models.ForeignKey(
        "schools.ClassGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lessons",
    )
    date = models.DateField(_("дата"))
    period = models.PositiveSmallIntegerField(_("урок №"))
    subject = models.ForeignKey("schools.Subject", on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lessons"
    )
    # Set when the lesson is given by a substitute: the teacher of the template.
    replaced_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("заменяемый учитель"),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("длительность, мин"), default=45)
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)
    source_entry = models.ForeignKey(
        TimetableEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    topic = models.CharField(_("тема"), max_length=500, blank=True)
    attendance_taken_at = models.DateTimeField(_("посещаемость отмечена"), null=True, blank=True)
    attendance_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("урок")
        verbose_name_plural = _("уроки")
        ordering = ["date", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "group", "date", "period"],
                name="unique_lesson_slot",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["teacher", "date"]),
            models.Index(fields=["school", "date"]),
            models.Index(
                fields=["school_class", "date"],
                condition=Q(status="scheduled"),
                name="scheduled_lessons_by_class",
            ),
        ]

    def __str__(self):
        return _("%(date)s %(period)s ур. %(school_class)s %(subject)s") % {
            "date": f"{self.date:%d.%m.%Y}",
            "period": self.period,
            "school_class": self.school_class,
            "subject": self.subject,
        }

    @property
    def audit_school(self):
        return self.school

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED
