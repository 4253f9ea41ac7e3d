"""Marks from the regional e-journal (issue #15 point 4, docs/ejournal-import.md).

``LetterMapping``: what one of the e-journal's letters (Н, ОП, УП, Б …) means in the app,
per school. ``EjournalImport``: one uploaded export — checked (a dry run with a row-by-row
report), then applied in one transaction. ``EjournalRecord``: what the e-journal said
about one student in one lesson, and what became of it; its unique lesson and student make
a re-import of the same export change nothing, and its ``conflict`` state is the deputy's
list of disagreements with marks made in the app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from journal.models import ReasonStatus, ValidReason


class LetterMeaning(models.TextChoices):
    """What a letter stands for in the app (R-J-1: present is no mark at all)."""

    ABSENT = "absent", _("пропуск (Н)")
    LATE = "late", _("опоздание (ОП)")
    SKIP = "skip", _("не переносить")


class LetterMapping(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    # Upper case, «Ё» as «Е», no spaces (exchange.letters.normalise_letter).
    letter = models.CharField(_("обозначение в электронном журнале"), max_length=8)
    meaning = models.CharField(_("отметка в приложении"), max_length=8, choices=LetterMeaning)
    reason_status = models.CharField(
        _("причина"), max_length=8, choices=ReasonStatus.choices, default=ReasonStatus.UNKNOWN
    )
    valid_reason = models.CharField(
        _("вид уважительной причины"), max_length=32, choices=ValidReason.choices, blank=True
    )
    description = models.CharField(
        _("что означает в электронном журнале"), max_length=200, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("обозначение электронного журнала")
        verbose_name_plural = _("обозначения электронного журнала")
        ordering = ["letter"]
        constraints = [
            models.UniqueConstraint(fields=["school", "letter"], name="unique_ejournal_letter"),
            # A valid reason names its kind; a late or skipped letter carries no reason.
            models.CheckConstraint(
                condition=(Q(reason_status=ReasonStatus.VALID) & ~Q(valid_reason=""))
                | (~Q(reason_status=ReasonStatus.VALID) & Q(valid_reason="")),
                name="ejournal_letter_valid_reason",
            ),
            models.CheckConstraint(
                condition=Q(meaning=LetterMeaning.ABSENT) | Q(reason_status=ReasonStatus.UNKNOWN),
                name="ejournal_letter_reason_only_for_absence",
            ),
        ]

    def __str__(self):
        return self.letter

    @property
    def audit_school(self):
        return self.school

    def as_dict(self) -> dict:
        return {
            "meaning": self.meaning,
            "reason_status": self.reason_status,
            "valid_reason": self.valid_reason,
        }


class EjournalImport(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", _("проверяется")
        CHECKED = "checked", _("проверен, не применён")
        APPLYING = "applying", _("применяется")
        APPLIED = "applied", _("применён")
        FAILED = "failed", _("не удалось")

    RUNNING = (Status.CHECKING, Status.APPLYING)

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("файл"), max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("состояние"), max_length=8, choices=Status.choices, default=Status.CHECKING
    )
    # Progress of the check or the application (rows done of total), and why it failed.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=300, blank=True)
    # The rows read from the file (exchange.reader.SourceRow.as_dict): apply plans them
    # again against the journal as it is then.
    rows = models.JSONField(default=list)
    # The row-by-row report of the last check or of the application (exchange.services).
    report = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("загружен"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("применён"), null=True, blank=True)

    class Meta:
        verbose_name = _("загрузка из электронного журнала")
        verbose_name_plural = _("загрузки из электронного журнала")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["school", "-uploaded_at"])]

    def __str__(self):
        return self.file_name

    @property
    def audit_school(self):
        return self.school

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class EjournalRecord(models.Model):
    """What the e-journal says about one student in one lesson (its latest export)."""

    class State(models.TextChoices):
        # The import set the mark (or its reason) in the app.
        APPLIED = "applied", _("перенесено")
        # The app already had the same.
        MATCHED = "matched", _("совпадает")
        # The app's mark differs: nothing changed, the deputy decides.
        CONFLICT = "conflict", _("расхождение")
        KEPT_APP = "kept_app", _("оставлена отметка приложения")
        TOOK_EJOURNAL = "took_ejournal", _("принята отметка электронного журнала")

    RESOLVED = (State.KEPT_APP, State.TOOK_EJOURNAL)

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("journal.Lesson", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey("schools.Student", on_delete=models.CASCADE, related_name="+")
    # The e-journal's letter and what the school's mapping made of it then.
    letter = models.CharField(_("обозначение"), max_length=8)
    meaning = models.CharField(max_length=8, choices=LetterMeaning)
    reason_status = models.CharField(max_length=8, choices=ReasonStatus.choices)
    valid_reason = models.CharField(max_length=32, choices=ValidReason.choices, blank=True)
    state = models.CharField(_("состояние"), max_length=16, choices=State.choices)
    # The mark as the import left it (journal.services.marks.snapshot), when the import
    # created it: while the mark is still so, a later export may change it; once someone
    # changed it in the app, the app's mark is theirs.
    applied = models.JSONField(null=True, blank=True)
    # The app's mark when the conflict was found.
    app_mark = models.JSONField(null=True, blank=True)
    source = models.ForeignKey(
        EjournalImport, on_delete=models.SET_NULL, null=True, related_name="records"
    )
    source_row = models.PositiveIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("отметка электронного журнала")
        verbose_name_plural = _("отметки электронного журнала")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "student"], name="unique_ejournal_record_per_lesson"
            )
        ]
        indexes = [models.Index(fields=["school", "state"])]

    def __str__(self):
        return f"{self.student} {self.letter}"

    @property
    def audit_school(self):
        return self.school

    def statement(self) -> dict:
        return {
            "letter": self.letter,
            "meaning": self.meaning,
            "reason_status": self.reason_status,
            "valid_reason": self.valid_reason,
        }
