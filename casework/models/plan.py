"""The individual prevention plan (план ИПР, R-C-6; seed 001 steps 5–6, seed 003 alg. 16–17)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    """Seed 003 alg. 17, in its order; «other» takes free text."""

    RECORDS = "records", _("персонифицированный учёт сведений об обучающемся")
    OBSERVATION = (
        "observation",
        _("педагогическое наблюдение, ежедневный контроль посещаемости и успеваемости"),
    )
    DIAGNOSTICS = "diagnostics", _("психологическая диагностика")
    CORRECTION = (
        "correction",
        _("занятия по коррекции поведения и преодолению школьной дезадаптации"),
    )
    CONSULTATION = "consultation", _("индивидуальное консультирование обучающегося и родителей")
    CHARTER = (
        "charter",
        _("разъяснение обязанностей по соблюдению Устава и последствий их невыполнения"),
    )
    EXTRA_LESSONS = "extra_lessons", _("дополнительные занятия для преодоления неуспеваемости")
    HOME_VISITS = "home_visits", _("регулярное посещение обучающегося по месту жительства")
    EXTRACURRICULAR = (
        "extracurricular",
        _("вовлечение во внеклассную работу и мероприятия профилактической направленности"),
    )
    CAREER = "career", _("помощь в профориентации и социальной адаптации")
    CLUBS = "clubs", _("вовлечение в кружки, секции")
    PMPK = "pmpk", _("консультирование родителей, направление на ПМПК, адаптированная программа")
    OTHER = "other", _("иное")


class PreventionPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("выполняется")
        COMPLETED = "completed", _("завершён")

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="plans")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    goal = models.TextField(_("цель"), blank=True)
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField(_("итоги"), blank=True)

    class Meta:
        verbose_name = _("план индивидуальной профилактической работы")
        verbose_name_plural = _("планы индивидуальной профилактической работы")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="plan_ends_after_start",
            ),
        ]

    def __str__(self):
        return _("План ИПР с %(start)s") % {"start": f"{self.start_date:%d.%m.%Y}"}

    @property
    def audit_school(self):
        return self.school


class PlanMeasure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        DONE = "done", _("выполнено")
        CANCELLED = "cancelled", _("отменено")

    plan = models.ForeignKey(PreventionPlan, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("мероприятие"), max_length=32, choices=MeasureKind.choices)
    description = models.CharField(_("содержание"), max_length=500, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ответственный"),
    )
    due_date = models.DateField(_("срок"))
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("выполнено"), null=True, blank=True)
    result = models.CharField(_("результат"), max_length=500, blank=True)
    # Opened in the responsible person's inbox when the measure is overdue.
    overdue_task = models.OneToOneField(
        "alerts.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("мероприятие плана ИПР")
        verbose_name_plural = _("мероприятия плана ИПР")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.description or self.get_kind_display()

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.PLANNED and self.due_date < today


class PlanControl(models.Model):
    """Seed 001 step 6: the weekly check that the plan is carried out."""

    plan = models.ForeignKey(PreventionPlan, on_delete=models.CASCADE, related_name="controls")
    date = models.DateField(_("дата"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("результаты контроля"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("контроль выполнения плана ИПР")
        verbose_name_plural = _("контроль выполнения плана ИПР")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}"
