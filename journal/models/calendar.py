"""Calendar of school days (R-CAL-1, R-CAL-2). The rules live in ``journal.calendar``."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import WeekLength

WEEKDAY_CHOICES = [
    (1, _("понедельник")),
    (2, _("вторник")),
    (3, _("среда")),
    (4, _("четверг")),
    (5, _("пятница")),
    (6, _("суббота")),
]


class PublicCalendarDay(models.Model):
    """A day of the official production calendar that differs from the plain week.

    National rows have no region; a region adds its own public holidays
    (e.g. Сагаалган in Buryatia). Shipped for 2025–2026 in ``journal/data``.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("нерабочий праздничный день")
        DAY_OFF = "day_off", _("выходной день (перенос)")
        WORKING_DAY = "working_day", _("рабочий день (перенос)")

    date = models.DateField(_("дата"))
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("название"), max_length=200, blank=True)
    region = models.ForeignKey(
        "schools.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A moved working Saturday follows the timetable of the weekday it replaces.
    timetable_weekday = models.PositiveSmallIntegerField(
        _("расписание дня недели"), choices=WEEKDAY_CHOICES, null=True, blank=True
    )

    class Meta:
        verbose_name = _("день производственного календаря")
        verbose_name_plural = _("производственный календарь")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "region"], name="unique_public_day", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.get_kind_display()}"


class Term(models.Model):
    """A quarter or trimester of an academic year."""

    academic_year = models.ForeignKey(
        "schools.AcademicYear", on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(
        _("номер"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))

    class Meta:
        verbose_name = _("учебный период")
        verbose_name_plural = _("учебные периоды")
        ordering = ["academic_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "number"], name="unique_term"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="term_dates"
            ),
        ]

    def __str__(self):
        if self.academic_year.term_system == "quarters":
            label = _("%(number)s четверть %(year)s")
        else:
            label = _("%(number)s триместр %(year)s")
        return label % {"number": self.number, "year": self.academic_year}

    @property
    def audit_school(self):
        return self.academic_year.school


class Vacation(models.Model):
    """Holidays (каникулы), optionally for some grades only (extra February week of grade 1)."""

    academic_year = models.ForeignKey(
        "schools.AcademicYear", on_delete=models.CASCADE, related_name="vacations"
    )
    name = models.CharField(_("название"), max_length=100)
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))
    grade_from = models.PositiveSmallIntegerField(_("с параллели"), default=1)
    grade_to = models.PositiveSmallIntegerField(_("по параллель"), default=11)

    class Meta:
        verbose_name = _("каникулы")
        verbose_name_plural = _("каникулы")
        ordering = ["academic_year", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="vacation_dates"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%d.%m}–{self.end_date:%d.%m.%Y})"

    def applies_to_grade(self, grade: int) -> bool:
        return self.grade_from <= grade <= self.grade_to

    @property
    def audit_school(self):
        return self.academic_year.school


class Quarantine(models.Model):
    """Days without lessons for the whole school or one class (карантин, актированные дни)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))
    reason = models.CharField(_("основание"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("карантин")
        verbose_name_plural = _("карантины")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="quarantine_dates"
            ),
        ]

    def __str__(self):
        scope = self.school_class or self.school
        return f"{scope}: {self.start_date:%d.%m}–{self.end_date:%d.%m.%Y}"

    @property
    def audit_school(self):
        return self.school


class GradeBandWeek(models.Model):
    """A week length for some grades that differs from the school's (e.g. grade 1: 5 days)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    grade_from = models.PositiveSmallIntegerField(_("с параллели"))
    grade_to = models.PositiveSmallIntegerField(_("по параллель"))
    week_length = models.PositiveSmallIntegerField(_("учебная неделя"), choices=WeekLength.choices)

    class Meta:
        verbose_name = _("режим недели для параллелей")
        verbose_name_plural = _("режимы недели для параллелей")
        ordering = ["school", "grade_from"]

    def __str__(self):
        return f"{self.grade_from}–{self.grade_to}: {self.get_week_length_display()}"

    @property
    def audit_school(self):
        return self.school


class CalendarOverride(models.Model):
    """A school's own decision about one date, winning over the production calendar."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("дата"))
    is_school_day = models.BooleanField(_("учебный день"))
    timetable_weekday = models.PositiveSmallIntegerField(
        _("расписание дня недели"), choices=WEEKDAY_CHOICES, null=True, blank=True
    )
    reason = models.CharField(_("основание"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("изменение календаря школы")
        verbose_name_plural = _("изменения календаря школы")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="unique_calendar_override")
        ]

    def __str__(self):
        return f"{self.school}: {self.date:%d.%m.%Y}"

    @property
    def audit_school(self):
        return self.school
