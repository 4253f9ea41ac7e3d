"""A parent's note about an absence (issue #15, seed 002 §3.4): stated through the signed
link of the evening message (``notify``), confirmed or rejected by the class teacher.

A confirmed note settles the reason the way an excuse document does: confirming registers
an excuse document of the kind «объяснительная записка родителей» (for a past absence) or
«уведомление родителей заранее» (announced ahead), and the note keeps a link to it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .marks import ExcuseDocument, ValidReason


class GuardianNote(models.Model):
    class Kind(models.TextChoices):
        EXPLANATION = "explanation", _("причина пропуска")
        ADVANCE = "advance", _("отсутствие заранее")

    class Reason(models.TextChoices):
        ILLNESS = "illness", _("болезнь")
        FAMILY = "family", _("семейные обстоятельства")
        APPOINTMENT = "appointment", _("посещение врача или учреждения")
        OTHER = "other", _("другая причина")

    class Status(models.TextChoices):
        PENDING = "pending", _("ждёт решения")
        CONFIRMED = "confirmed", _("подтверждено")
        REJECTED = "rejected", _("отклонено")

    # The valid reason a confirmed note stands for (seed 002 §2.10).
    VALID_REASON = {
        Reason.ILLNESS: ValidReason.ILLNESS,
        Reason.FAMILY: ValidReason.FAMILY_EMERGENCY,
        Reason.APPOINTMENT: ValidReason.CLASS_TEACHER_AGREED,
        Reason.OTHER: ValidReason.CLASS_TEACHER_AGREED,
    }
    EXCUSE_KIND = {
        Kind.EXPLANATION: ExcuseDocument.Kind.PARENT_NOTE,
        Kind.ADVANCE: ExcuseDocument.Kind.ADVANCE_NOTICE,
    }

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="guardian_notes"
    )
    guardian = models.ForeignKey(
        "schools.Guardian",
        on_delete=models.SET_NULL,
        null=True,
        related_name="notes",
        verbose_name=_("законный представитель"),
    )
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("причина"), max_length=16, choices=Reason.choices)
    start_date = models.DateField(_("с"))
    end_date = models.DateField(_("по"))
    # When set, only these lessons (of a single day); else the whole days.
    lessons = models.ManyToManyField("journal.Lesson", blank=True, related_name="guardian_notes")
    comment = models.CharField(_("комментарий"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("получено"), auto_now_add=True)
    status = models.CharField(
        _("решение"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decision_comment = models.CharField(_("пояснение решения"), max_length=300, blank=True)
    excuse = models.OneToOneField(
        ExcuseDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_note",
        verbose_name=_("оправдательный документ"),
    )

    class Meta:
        verbose_name = _("сообщение родителей о пропуске")
        verbose_name_plural = _("сообщения родителей о пропусках")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="guardian_note_dates"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="guardian_note_decided_at",
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "start_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start_date:%d.%m}–{self.end_date:%d.%m.%Y}"

    @property
    def audit_school(self):
        return self.school

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def valid_reason(self) -> str:
        return self.VALID_REASON[self.reason]

    @property
    def excuse_kind(self) -> str:
        return self.EXCUSE_KIND[self.kind]
