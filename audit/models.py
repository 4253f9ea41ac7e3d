from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which object, written in the transaction of the change (R-SEC).

    It is also the user-facing history of the objects it names (as pretix's LogEntry): the
    journal's student card reads the entries of one student.

    Append-only: a database trigger (migration 0003) refuses every UPDATE and DELETE of an
    entry, whoever asks, the admin is read-only for everybody. So the references are
    ``PROTECT``: deleting a user, a school or a student that the log names is refused
    (``SET_NULL`` would be an UPDATE of the entry, ``CASCADE`` a DELETE); a user who leaves
    is deactivated, a child who leaves keeps their enrollment's end date.
    """

    # A default rather than auto_now_add: the demo data and the copy of an older history
    # record when a change was made. Services never pass it.
    created_at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("кто"),
    )
    action = models.CharField(_("действие"), max_length=100, db_index=True)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The student the change concerns, if any; indexed with created_at for their history.
    student = models.ForeignKey(
        "schools.Student",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("обучающийся"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("запись аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(
                fields=["student", "-created_at", "-id"], name="audit_entry_student_history"
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
