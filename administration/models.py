"""Bulk imports of a school's students, staff and timetable (issue #15 point 3).

An ``ImportJob`` is one uploaded file and what became of it: checked (a dry run with a
row-by-row report), then applied in one transaction or not at all. The file itself is kept
in the row (a few megabytes at most, ``settings.UPLOAD_MAX_BYTES``) so that a Celery worker
on another machine reads the same bytes the administrator uploaded; it is wiped once the
job is applied or refused (only a checked job waiting for «Загрузить» keeps it).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        STUDENTS = "students", _("Обучающиеся и законные представители")
        STAFF = "staff", _("Сотрудники и роли")
        TIMETABLE = "timetable", _("Расписание")

    class Status(models.TextChoices):
        CHECKING = "checking", _("проверяется")
        CHECKED = "checked", _("проверен, ошибок нет")
        INVALID = "invalid", _("проверен, есть ошибки")
        APPLYING = "applying", _("загружается")
        DONE = "done", _("загружен")
        FAILED = "failed", _("не загружен")

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("что загружается"), max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("состояние"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    file_name = models.CharField(_("файл"), max_length=200)
    file_format = models.CharField(max_length=8)  # "xlsx" or "csv"
    content = models.BinaryField(default=b"")
    # Students: the class of rows without a «Класс» and the date of enrolment.
    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("дата зачисления"), null=True, blank=True)
    # Progress: rows checked or written so far out of ``total``.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=16, blank=True)  # "check" or "write"
    # [{"row": 17, "column": "Дата рождения", "message": "..."}]
    errors = models.JSONField(default=list, blank=True)
    # {"created": n, "matched": n, ...}: what the dry run expects or the apply did.
    summary = models.JSONField(default=dict, blank=True)
    # Temporary passwords of staff taken on by the import: shown once, then wiped.
    credentials = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("загрузка из файла")
        verbose_name_plural = _("загрузки из файлов")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def audit_school(self):
        return self.school

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
