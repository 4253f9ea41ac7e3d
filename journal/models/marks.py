"""Attendance marks, reasons and excuse documents (R-J-1 … R-J-3, R-J-6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import Enrollment


class ReasonStatus(models.TextChoices):
    """R-J-2. Counting treats UNKNOWN as without a valid reason."""

    UNKNOWN = "unknown", _("причина неизвестна")
    VALID = "valid", _("уважительная")
    INVALID = "invalid", _("без уважительной причины")


class ValidReason(models.TextChoices):
    """Kinds of valid reason, seed 002 §2.10."""

    ILLNESS = "illness", _("болезнь (медицинская справка)")
    FAMILY_EMERGENCY = "family_emergency", _("чрезвычайные семейные обстоятельства")
    CLASS_TEACHER_AGREED = "class_teacher_agreed", _("по согласованию с классным руководителем")
    RELEASE_BY_ORDER = "release_by_order", _("освобождение приказом (соревнования, олимпиады…)")
    DIRECTOR_PERMISSION = "director_permission", _("с разрешения директора")


class MarkRequest(models.Model):
    """One mark a client sent with its own key (a phone that marked offline, the API).

    Devices resend what they are not sure arrived: a request whose key was seen before
    answers what the first one did and changes nothing, even if the mark has been changed
    since by someone else (``journal.services.marks.set_mark_once``). Keys belong to the
    user who sent them, so one user's keys never collide with another's.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_key = models.CharField(max_length=100)
    lesson = models.ForeignKey("journal.Lesson", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey("schools.Student", on_delete=models.CASCADE, related_name="+")
    # What was asked: «present» (no mark), absent or late.
    kind = models.CharField(max_length=8)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client_key"], name="unique_mark_request_key")
        ]

    def __str__(self):
        return self.client_key


class Mark(models.Model):
    """A deviation from «present» for one student in one lesson. Absence of a row = present."""

    class Kind(models.TextChoices):
        ABSENT = "absent", _("Н")
        LATE = "late", _("ОП")

    lesson = models.ForeignKey("journal.Lesson", on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="attendance_marks"
    )
    # Denormalised from the lesson: every count filters by school and date.
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("дата"))
    kind = models.CharField(_("отметка"), max_length=8, choices=Kind.choices)
    minutes_late = models.PositiveSmallIntegerField(_("опоздание, мин"), null=True, blank=True)
    # What the class teacher decided; an excuse document wins over it (see reason_status).
    manual_reason_status = models.CharField(
        _("причина (установлена вручную)"),
        max_length=8,
        choices=ReasonStatus.choices,
        default=ReasonStatus.UNKNOWN,
    )
    manual_valid_reason = models.CharField(max_length=32, choices=ValidReason.choices, blank=True)
    # Effective reason: VALID while an active excuse covers the mark, else the manual one.
    reason_status = models.CharField(
        _("причина"), max_length=8, choices=ReasonStatus.choices, default=ReasonStatus.UNKNOWN
    )
    valid_reason = models.CharField(
        _("вид уважительной причины"), max_length=32, choices=ValidReason.choices, blank=True
    )
    reason_note = models.CharField(_("комментарий к причине"), max_length=500, blank=True)
    excuse = models.ForeignKey(
        "journal.ExcuseDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="marks",
        verbose_name=_("оправдательный документ"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("отметка посещаемости")
        verbose_name_plural = _("отметки посещаемости")
        ordering = ["date", "lesson__period"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="unique_mark_per_lesson"),
            models.CheckConstraint(
                condition=Q(kind="late") | Q(minutes_late__isnull=True), name="minutes_only_if_late"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "date"]),
            models.Index(fields=["school", "date", "reason_status"]),
        ]

    def __str__(self):
        return f"{self.student} {self.date:%d.%m.%Y} {self.get_kind_display()}"

    @property
    def audit_school(self):
        return self.school

    @property
    def is_absence(self) -> bool:
        return self.kind == self.Kind.ABSENT

    @property
    def counts_as_invalid(self) -> bool:
        """R-J-2: an unknown reason counts as without a valid reason."""
        return self.is_absence and self.reason_status != ReasonStatus.VALID

    def take_effective_reason(self, excuse: "ExcuseDocument | None") -> bool:
        """R-J-3: an active excuse document wins over the reason set by hand.

        ``excuse`` is the active document covering this mark (the earliest received when
        several do, ``journal.services.reasons.apply_effective_reasons`` finds it), or None.
        Sets excuse, reason_status and valid_reason; the only place that decides them.
        Returns whether any of the three changed. Saves nothing.
        """
        if excuse is not None:
            status, reason = ReasonStatus.VALID, excuse.valid_reason
        else:
            status, reason = self.manual_reason_status, self.manual_valid_reason
        before = (self.excuse_id, self.reason_status, self.valid_reason)
        self.excuse, self.reason_status, self.valid_reason = excuse, status, reason
        return before != (self.excuse_id, self.reason_status, self.valid_reason)


class ExcuseDocument(models.Model):
    """R-J-3: a document that excuses absences over a date range or chosen lessons."""

    class Kind(models.TextChoices):
        MEDICAL_CERTIFICATE = "medical_certificate", _("медицинская справка")
        PARENT_NOTE = "parent_note", _("объяснительная записка родителей")
        APPLICATION = "application", _("заявление родителей")
        ORDER = "order", _("приказ об освобождении")
        ADVANCE_NOTICE = "advance_notice", _("уведомление родителей заранее")
        TEACHER_MEMO = "teacher_memo", _("докладная классного руководителя")
        DIRECTOR_PERMISSION = "director_permission", _("разрешение директора")

    # Which valid reason each document type stands for (seed 002 §2.10).
    REASON_FOR_KIND = {
        Kind.MEDICAL_CERTIFICATE: ValidReason.ILLNESS,
        Kind.PARENT_NOTE: ValidReason.FAMILY_EMERGENCY,
        Kind.APPLICATION: ValidReason.RELEASE_BY_ORDER,
        Kind.ORDER: ValidReason.RELEASE_BY_ORDER,
        Kind.ADVANCE_NOTICE: ValidReason.FAMILY_EMERGENCY,
        Kind.TEACHER_MEMO: ValidReason.CLASS_TEACHER_AGREED,
        Kind.DIRECTOR_PERMISSION: ValidReason.DIRECTOR_PERMISSION,
    }

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="excuse_documents"
    )
    kind = models.CharField(_("вид документа"), max_length=32, choices=Kind.choices)
    valid_reason = models.CharField(
        _("уважительная причина"), max_length=32, choices=ValidReason.choices
    )
    number = models.CharField(_("номер"), max_length=50, blank=True)
    issued_by = models.CharField(_("кем выдан"), max_length=300, blank=True)
    issued_on = models.DateField(_("дата документа"), null=True, blank=True)
    start_date = models.DateField(_("с"))
    end_date = models.DateField(_("по"))
    # When set, only these lessons are covered (a single lesson release); else the whole range.
    lessons = models.ManyToManyField("journal.Lesson", blank=True, related_name="excuses")
    note = models.CharField(_("примечание"), max_length=500, blank=True)
    scan = models.FileField(_("скан"), upload_to="excuses/%Y/%m/", blank=True, max_length=300)
    scan_content_type = models.CharField(max_length=100, blank=True)
    scan_original_name = models.CharField(max_length=255, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("принял"),
    )
    received_at = models.DateTimeField(_("принят"))
    withdrawn_at = models.DateTimeField(_("отозван"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(_("причина отзыва"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("оправдательный документ")
        verbose_name_plural = _("оправдательные документы")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="excuse_dates"
            ),
        ]
        indexes = [models.Index(fields=["student", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start_date:%d.%m}–{self.end_date:%d.%m.%Y}"

    def access_classes(self) -> list:
        """The class the student was in over the document's dates, in its school: whoever
        keeps that class's attendance keeps the document (accounts.rules)."""
        enrollment = (
            Enrollment.objects.during(self.start_date, self.end_date)
            .filter(student_id=self.student_id, school_id=self.school_id)
            .select_related("school_class")
            .order_by("-start_date")
            .first()
        )
        return [enrollment.school_class] if enrollment is not None else []

    @property
    def audit_school(self):
        return self.school

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class LockedWeek(models.Model):
    """A reporting week whose marks only the deputy may change (R-J-6).

    Rows are written when the week's рапортичка is approved (reporting) or by a deputy.
    """

    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.CASCADE, related_name="locked_weeks"
    )
    week_start = models.DateField(_("неделя с (понедельник)"))
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("основание"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("закрытая неделя")
        verbose_name_plural = _("закрытые недели")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "week_start"], name="unique_locked_week"
            )
        ]

    def __str__(self):
        return f"{self.school_class}: {self.week_start:%d.%m.%Y}"
