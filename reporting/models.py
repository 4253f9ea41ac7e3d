"""Reports (spec §6): a report is one form for one scope and period; each submission is a
version whose data is frozen when it is submitted, and whose PDF and XLSX are frozen with
a SHA-256 checksum when it is approved.

* :class:`Report` — the form (kind), its scope (a class, a school, a student of a school or
  a municipality) and its period; one row per scope and period. Its ``status`` is the
  status of its latest version.
* :class:`ReportVersion` — draft → submitted → approved | returned. A draft has no data:
  it is built from the journal and casework whenever it is shown. Submitting freezes the
  data (with the free-text amendments); a returned version stays as it was, with the
  comment, and the next draft is a new version; a correction of an approved report is a
  new version too, and the approved one is kept.
* :class:`ReportFile` — a PDF or XLSX of a version, rendered by a Celery task that reports
  its progress; the files of an approved version are written once and never change.
* :class:`TrackedMinor` — minors the weekly report names that the journal does not know:
  college students, children not in education, children wanted or placed away (seed 002
  App. 2 sections 2, 3, 5; §2.12).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    WEEKLY_CLASS_REPORT = "weekly_class_report", _("Рапортичка класса")
    WEEKLY_SCHOOL_REPORT = (
        "weekly_school_report",
        _("Еженедельный отчёт об исполнении законодательства об обязательном общем образовании"),
    )
    MONTHLY_INFORMATION = (
        "monthly_information",
        _("Информация о несовершеннолетних, не посещающих или систематически пропускающих занятия"),
    )
    NOT_IN_EDUCATION = (
        "not_in_education",
        _("Информация о несовершеннолетнем, не получающем общего образования"),
    )
    TERM_SUMMARY = "term_summary", _("Сводная ведомость учёта посещаемости за четверть")
    MUNICIPAL_MONTHLY = (
        "municipal_monthly",
        _("Сводная информация муниципалитета о несовершеннолетних, не посещающих занятия"),
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("сдан")
    APPROVED = "approved", _("утверждён")
    RETURNED = "returned", _("возвращён на доработку")


class Report(models.Model):
    kind = models.CharField(_("форма"), max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="reports"
    )
    # Null for a municipality's consolidated report.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    # The child of a report on one minor (seed 003 App. 3).
    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("период с"))
    period_end = models.DateField(_("период по"))
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    due_at = models.DateTimeField(_("срок сдачи"), null=True, blank=True)
    # The number of the latest approved version: what officials above the school see.
    approved_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("отчёт")
        verbose_name_plural = _("отчёты")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "municipality",
                    "school",
                    "school_class",
                    "student",
                    "period_start",
                ],
                name="one_report_per_scope_and_period",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="report_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["kind", "period_start"])]

    def __str__(self):
        scope = self.school_class or self.school or self.municipality
        return f"{self.get_kind_display()}: {scope}, {self.period_start:%d.%m.%Y}"

    @property
    def audit_school(self):
        return self.school

    def access_school_ids(self) -> frozenset[int]:
        return frozenset({self.school_id}) if self.school_id else frozenset()

    def access_classes(self) -> list:
        return [self.school_class] if self.school_class_id else []


class ReportVersion(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("версия"))
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # Frozen at submission: what the builder returned, with the amendments applied.
    data = models.JSONField(null=True, blank=True)
    # Free-text columns changed by hand before submission: {row key: {column: text}}.
    amendments = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("комментарий"), blank=True)
    # Seed 003 Order §4.4: data forwarded to the region is destroyed after a year.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("версия отчёта")
        verbose_name_plural = _("версии отчёта")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_report_version"),
            # At most one version in work (draft or submitted) at a time.
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status__in=["draft", "submitted"]),
                name="one_open_report_version",
            ),
        ]

    def __str__(self):
        return f"{self.report}, v{self.number}"

    @property
    def audit_school(self):
        return self.report.school

    def access_school_ids(self) -> frozenset[int]:
        return self.report.access_school_ids()

    def access_classes(self) -> list:
        return self.report.access_classes()

    @property
    def is_frozen(self) -> bool:
        return self.status == Status.APPROVED


class ReportFile(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class State(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("формируется")
        DONE = "done", _("готов")
        FAILED = "failed", _("ошибка")

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=8, choices=Format.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    filename = models.CharField(max_length=200, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("файл отчёта")
        verbose_name_plural = _("файлы отчётов")
        constraints = [
            models.UniqueConstraint(fields=["version", "format"], name="one_file_per_format")
        ]

    def __str__(self):
        return self.filename or f"{self.version} {self.format}"

    def access_school_ids(self) -> frozenset[int]:
        return self.version.access_school_ids()

    def access_classes(self) -> list:
        return self.version.access_classes()

    @property
    def intact(self) -> bool:
        """The stored bytes still match their checksum."""
        return bool(self.content) and hashlib.sha256(bytes(self.content)).hexdigest() == self.sha256


class TrackedMinor(models.Model):
    """A minor of the weekly report's sections 2, 3 and 5 (seed 002 App. 2), kept by the
    school: the journal has no college students, children who left and study nowhere, or
    children wanted by police or placed in an institution without schooling. Seed 002 §2.12
    counts the last among the long-term non-attenders."""

    class Category(models.TextChoices):
        COLLEGE = "college", _("Учащийся до 18 лет учреждения СПО")
        NOT_IN_EDUCATION = (
            "not_in_education",
            _("Не получает образование в нарушение Закона «Об образовании»"),
        )
        PLACED_AWAY = (
            "placed_away",
            _("В розыске, в ЦВСНП, СИЗО, ВК, на лечении в РНД, РПНД"),
        )

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="tracked_minors"
    )
    category = models.CharField(_("раздел"), max_length=32, choices=Category.choices)
    # When the child is or was a student of the school.
    student = models.ForeignKey(
        "schools.Student", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(_("Ф.И. несовершеннолетнего"), max_length=300)
    birth_date = models.DateField(_("дата рождения"))
    course = models.CharField(_("курс"), max_length=20, blank=True)
    previous_school = models.CharField(_("школа (где учился), район"), max_length=300, blank=True)
    education = models.CharField(
        _("образование (сколько классов закончил)"), max_length=200, blank=True
    )
    reason = models.CharField(_("причина"), max_length=500, blank=True)
    family = models.CharField(_("характеристика семьи"), max_length=500, blank=True)
    whereabouts = models.CharField(_("место нахождения ребёнка"), max_length=500, blank=True)
    measures = models.TextField(_("принимаемые меры"), blank=True)
    since = models.DateField(_("с"), null=True, blank=True)
    until = models.DateField(_("по"), null=True, blank=True)
    removed_on = models.DateField(_("снят с учёта"), null=True, blank=True)
    removal_note = models.CharField(
        _("принятые меры, где обучался ребёнок"), max_length=500, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("несовершеннолетний на учёте")
        verbose_name_plural = _("несовершеннолетние на учёте")
        ordering = ["category", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(since__isnull=True)
                | Q(since__lte=models.F("until")),
                name="tracked_minor_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_category_display()})"


class Reminder(models.Model):
    """A reminder of a report's deadline sent to one user (spec §6, ``reporting.reminders``):
    one per report slot (form, scope, period), stage and user. The slot need not have a
    report yet (a рапортичка nobody opened is the one most worth a reminder), so it is named
    by its parts, as :class:`Report` is. The unique constraint is the claim: a daily task run
    twice, or twice at once, sends each reminder once."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("до срока")
        OVERDUE = "overdue", _("срок прошёл")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("форма"), max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField()
    stage = models.CharField(max_length=16, choices=Stage.choices)
    due_at = models.DateTimeField()
    # The inbox entry it made (kept when the user's inbox is cleared of it).
    notification = models.OneToOneField(
        "alerts.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("напоминание о сроке отчёта")
        verbose_name_plural = _("напоминания о сроках отчётов")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "municipality",
                    "school",
                    "school_class",
                    "period_start",
                    "stage",
                    "user",
                ],
                name="one_reminder_per_slot_stage_and_user",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.period_start:%d.%m.%Y} {self.stage} → {self.user_id}"
        )
