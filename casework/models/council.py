"""The school's prevention council (R-C-4, seed 003 alg. 6–15, seed 004's monthly sessions).

A session hears cases; a hearing records whether the parents came (if not, the decision is
taken in absentia and they are notified, alg. 15), the recommendations to the child and the
parents, and the assignments to staff with deadlines (alg. 8), each of which becomes a task.
When the deadlines pass, a repeat hearing is scheduled (alg. 9) and analyses what the help
achieved (alg. 10). A decision to place the child on the registry is drawn up as a
conclusion the director approves (alg. 14).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        HELD = "held", _("проведено")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("дата заседания"))
    number = models.CharField(_("номер протокола"), max_length=32, blank=True)
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("председатель"),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("секретарь"),
    )
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="council_sessions",
        blank=True,
        verbose_name=_("присутствовали члены совета"),
    )
    invited = models.TextField(_("приглашённые (ФИО, должность)"), blank=True)
    # Seed 004: monthly sessions on attendance, behaviour, progress — the month's plan.
    agenda = models.TextField(_("повестка / план заседания"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("заседание Совета профилактики")
        verbose_name_plural = _("заседания Совета профилактики")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self):
        return _("Заседание Совета профилактики %(date)s") % {"date": f"{self.date:%d.%m.%Y}"}

    @property
    def audit_school(self):
        return self.school


class CouncilHearing(models.Model):
    """One case heard (or scheduled to be heard) at a session."""

    class Decision(models.TextChoices):
        HELP = "help", _("оказать социально-психолого-педагогическую помощь")
        POSITIVE = "positive", _("положительная динамика: продолжить наблюдение")
        REGISTRY = "registry", _("поставить на внутришкольный учёт, провести ИПР")
        REMOVE = "remove", _("снять с внутришкольного учёта")
        REFER = "refer", _("направить информацию в органы системы профилактики")

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="hearings")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    # Empty while a repeat hearing waits for a session to be put on.
    session = models.ForeignKey(
        CouncilSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hearings",
        verbose_name=_("заседание"),
    )
    # The hearing this one repeats (alg. 9–10).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("предыдущее рассмотрение"),
    )
    held = models.BooleanField(_("рассмотрено"), default=False)
    parents_present = models.BooleanField(_("родители присутствовали"), null=True, blank=True)
    attendees = models.CharField(
        _("присутствовали обучающийся и родители (ФИО)"), max_length=500, blank=True
    )
    # alg. 10: on a repeat hearing, what the help and the measures achieved.
    analysis = models.TextField(_("анализ результативности принятых мер"), blank=True)
    discussion = models.TextField(_("слушали (кратко)"), blank=True)
    recommendations_child = models.TextField(_("рекомендации обучающемуся"), blank=True)
    recommendations_parents = models.TextField(
        _("рекомендации родителям (законным представителям)"), blank=True
    )
    decision = models.CharField(_("решение"), max_length=16, choices=Decision.choices, blank=True)
    decision_text = models.TextField(_("решение (текст)"), blank=True)
    # When the recommendations and assignments are due; a repeat hearing follows it.
    review_date = models.DateField(_("срок исполнения рекомендаций"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("рассмотрение на Совете профилактики")
        verbose_name_plural = _("рассмотрения на Совете профилактики")
        ordering = ["pk"]
        indexes = [models.Index(fields=["school", "held", "review_date"])]

    def __str__(self):
        return f"{self.case.student} — {self.session or _('не назначено')}"

    @property
    def audit_school(self):
        return self.school

    @property
    def in_absentia(self) -> bool:
        """alg. 15: the parents did not come; the decision is taken without them."""
        return self.held and self.parents_present is False

    @property
    def is_repeat(self) -> bool:
        return self.previous_id is not None


class CouncilAssignment(models.Model):
    """alg. 8: what the council tells a member of staff to do, and by when (a task)."""

    hearing = models.ForeignKey(
        CouncilHearing, on_delete=models.CASCADE, related_name="assignments"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("исполнитель"),
    )
    text = models.CharField(_("поручение"), max_length=500)
    due_date = models.DateField(_("срок"))
    task = models.OneToOneField(
        "alerts.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("поручение Совета профилактики")
        verbose_name_plural = _("поручения Совета профилактики")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.text


class Conclusion(models.Model):
    """alg. 14: the council's decision on individual prevention work and registry placement,
    drawn up as a conclusion and approved by the head of the school."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("на утверждении")
        APPROVED = "approved", _("утверждено")
        REJECTED = "rejected", _("не утверждено")

    hearing = models.OneToOneField(
        CouncilHearing, on_delete=models.CASCADE, related_name="conclusion"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("текст заключения"))
    # The period of individual prevention work the council set (alg. 12: «с указанием сроков»).
    work_until = models.DateField(_("срок индивидуальной профилактической работы"))
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("утвердил"),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.CharField(_("комментарий директора"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("заключение Совета профилактики")
        verbose_name_plural = _("заключения Совета профилактики")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Заключение: %(student)s") % {"student": self.hearing.case.student}

    @property
    def audit_school(self):
        return self.school
