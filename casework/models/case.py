"""The case (R-C-1) and the contacts with the parents (R-C-2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ParentContact(models.Model):
    """R-C-2: a phone call, meeting, letter or message to a student's parents."""

    class ContactType(models.TextChoices):
        PHONE_CALL = "phone_call", _("телефонный звонок")
        MEETING = "meeting", _("встреча в школе")
        LETTER = "letter", _("письмо")
        MESSAGE = "message", _("сообщение")

    class Result(models.TextChoices):
        REACHED = "reached", _("связались, причина выяснена")
        REASON_UNCLEAR = "reason_unclear", _("связались, причина не выяснена")
        NOT_REACHED = "not_reached", _("не удалось связаться")

    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="parent_contacts"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    contact_type = models.CharField(
        _("вид контакта"),
        max_length=16,
        choices=ContactType.choices,
        default=ContactType.PHONE_CALL,
    )
    contacted_at = models.DateTimeField(_("когда"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("сотрудник"),
    )
    guardian = models.ForeignKey(
        "schools.Guardian",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("законный представитель"),
    )
    # Kept as text too: the guardian row may be edited or removed, the record must still say who.
    guardian_name = models.CharField(_("с кем"), max_length=300)
    summary = models.TextField(_("что сказано"), blank=True)
    stated_reason = models.CharField(_("названная причина отсутствия"), max_length=500, blank=True)
    result = models.CharField(_("результат"), max_length=16, choices=Result.choices)
    next_step = models.CharField(_("следующий шаг"), max_length=500, blank=True)
    # Seed 002 §4.1: the days missed without a valid reason the parents were told of
    # (ISO dates), so that the next call knows what they have not heard yet.
    absences_told = models.JSONField(_("сообщено о пропусках"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("контакт с родителями")
        verbose_name_plural = _("контакты с родителями")
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["student", "-contacted_at"]),
            models.Index(fields=["school", "contacted_at"]),
        ]

    def __str__(self):
        return f"{self.get_contact_type_display()} {self.contacted_at:%d.%m.%Y %H:%M}: {self.guardian_name}"

    @property
    def audit_school(self):
        return self.school


class FamilyCentreStatus(models.TextChoices):
    """Seed 001 step 3: the family centre confirms the family's trouble or does not."""

    PENDING = "pending", _("проверяется")
    CONFIRMED = "confirmed", _("подтверждён")
    NOT_CONFIRMED = "not_confirmed", _("не подтверждён")


class Case(models.Model):
    """R-C-1: prevention casework for one student, opened by an alert or by hand."""

    class Status(models.TextChoices):
        OPEN = "open", _("открыт")
        MONITORING = "monitoring", _("наблюдение")
        CLOSED = "closed", _("закрыт")

    student = models.ForeignKey("schools.Student", on_delete=models.CASCADE, related_name="cases")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("основание"), max_length=500)
    opened_at = models.DateTimeField(_("открыт"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The alert that opened it, when opened by the threshold engine.
    opened_by_alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cases", blank=True, verbose_name=_("ответственные")
    )
    closed_at = models.DateTimeField(_("закрыт"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(_("причина закрытия"), max_length=500, blank=True)
    # seed 001 step 3: what the family centre decided about the family (criterion №22).
    family_centre_status = models.CharField(
        _("статус в семейном центре"),
        max_length=16,
        choices=FamilyCentreStatus.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("профилактическое дело")
        verbose_name_plural = _("профилактические дела")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            # One active case per student and school; a closed one stays as history.
            models.UniqueConstraint(
                fields=["student", "school"],
                condition=~models.Q(status="closed"),
                name="one_active_case_per_student",
            )
        ]

    def __str__(self):
        return f"{self.student} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CLOSED

    def access_classes(self) -> list:
        """The student's classes in the case's school (accounts.rules: the class teacher)."""
        return [c for c in self.student.access_classes() if c.school_id == self.school_id]

    @property
    def audit_school(self):
        return self.school
