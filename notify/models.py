"""Messages to parents about the day's absences without a reason (issue #15 point 7,
seed 002 §3.4, §4.1): the school's template, the guardians' refusals, and the log.

``AbsenceNotice`` is the one message a child's family gets for a day — its unique
constraint, not a check, keeps it at one however often the evening task runs — and each
``Delivery`` is one letter or SMS of it to one guardian, with its status.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageTemplate(models.Model):
    """A school's own wording; without a row the defaults of ``notify.texts`` apply."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="message_template"
    )
    email_subject = models.CharField(_("тема письма"), max_length=200)
    email_body = models.TextField(_("текст письма"), max_length=3000)
    sms_body = models.CharField(_("текст SMS"), max_length=500)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("шаблон сообщения родителям")
        verbose_name_plural = _("шаблоны сообщений родителям")

    def __str__(self):
        return str(self.email_subject)

    @property
    def audit_school(self):
        return self.school


class GuardianPreference(models.Model):
    """A guardian who asked not to get the messages (through the link, or by telling the
    school). No row: messages are sent."""

    guardian = models.OneToOneField(
        "schools.Guardian", on_delete=models.CASCADE, related_name="message_preference"
    )
    opted_out = models.BooleanField(_("не присылать сообщения"), default=False)
    changed_at = models.DateTimeField(auto_now=True)
    # None: the guardian themselves, through the signed link.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("отказ от сообщений")
        verbose_name_plural = _("отказы от сообщений")

    def __str__(self):
        return f"{self.guardian_id}: {self.opted_out}"


class AbsenceNotice(models.Model):
    """The one message about one child's absences of one day."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="absence_notices"
    )
    date = models.DateField(_("день"))
    # Absences without a reason when the message was made.
    absences = models.PositiveSmallIntegerField(_("пропущено уроков"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("сообщение родителям о пропуске")
        verbose_name_plural = _("сообщения родителям о пропусках")
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "date"], name="notify_one_notice_per_child_per_day"
            )
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self):
        return f"{self.student_id} {self.date:%d.%m.%Y}"

    @property
    def audit_school(self):
        return self.school


class Delivery(models.Model):
    """One letter or SMS of a notice to one guardian, and what became of it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        SENT = "sent", _("отправлено")
        FAILED = "failed", _("не отправлено")

    notice = models.ForeignKey(AbsenceNotice, on_delete=models.CASCADE, related_name="deliveries")
    guardian = models.ForeignKey(
        "schools.Guardian", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.CharField(_("канал"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("адрес"), max_length=254)
    status = models.CharField(
        _("статус"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("ошибка"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("доставка сообщения")
        verbose_name_plural = _("доставки сообщений")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "guardian", "channel"], name="notify_one_delivery_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.get_status_display()}"
