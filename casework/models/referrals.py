"""Referrals and notifications to the bodies of the prevention system (R-C-7; seed 003
alg. 18–23, seed 001 step 3), the memo to the director (R-T-3) and the student's
characteristic (R-C-8)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    KDN = "kdn", _("Комиссия по делам несовершеннолетних и защите их прав (КДН и ЗП)")
    PDN = "pdn", _("Подразделение по делам несовершеннолетних (ПДН)")
    POLICE = "police", _("Территориальный отдел полиции")
    GUARDIANSHIP = "guardianship", _("Орган опеки и попечительства")
    SOCIAL_PROTECTION = "social_protection", _("Учреждение социальной защиты населения")
    EDUCATION_AUTHORITY = "education_authority", _("Муниципальный орган управления образованием")
    REGIONAL_DEPARTMENT = "regional_department", _("Региональный орган управления образованием")
    FAMILY_CENTRE = "family_centre", _("Семейный центр")
    PSYCHOLOGIST = "psychologist", _("Педагог-психолог школы")
    OTHER = "other", _("Иное")


class Referral(models.Model):
    class Purpose(models.TextChoices):
        INFORMATION = "information", _("информация о систематических пропусках и принятых мерах")
        LIABILITY = (
            "liability",
            _(
                "информация с предложением о привлечении родителей к административной ответственности"
            ),
        )
        SOP = "sop", _("информация о семье в социально опасном положении")
        HELP = "help", _("направление для оказания помощи")

    class Status(models.TextChoices):
        DRAFT = "draft", _("подготовлено")
        SENT = "sent", _("направлено")
        ANSWERED = "answered", _("получен ответ")

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="referrals")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    body = models.CharField(_("куда"), max_length=32, choices=Body.choices)
    # For a referral to the school psychologist: who takes the child (spec §1 access).
    psychologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("педагог-психолог"),
    )
    purpose = models.CharField(_("цель"), max_length=16, choices=Purpose.choices)
    # The letter's addressee block (body, position, name), prefilled from the body.
    addressee = models.CharField(_("адресат"), max_length=300, blank=True)
    text = models.TextField(_("текст письма"), blank=True)
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    due_date = models.DateField(_("направить до"), null=True, blank=True)
    sent_on = models.DateField(_("дата отправки"), null=True, blank=True)
    outgoing_number = models.CharField(_("исходящий номер"), max_length=64, blank=True)
    answer_on = models.DateField(_("дата ответа"), null=True, blank=True)
    answer = models.TextField(_("ответ"), blank=True)
    # The family centre's answer (seed 001 step 3).
    family_centre_status = models.CharField(
        _("статус в семейном центре"), max_length=16, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The task that asks for it (a СОП notification is due the same day, alg. 23).
    task = models.OneToOneField(
        "alerts.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("направление / информирование")
        verbose_name_plural = _("направления и информирование")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"{self.get_body_display()}: {self.get_purpose_display()}"

    @property
    def audit_school(self):
        return self.school


class Memo(models.Model):
    """R-T-3: the class teacher's memo (докладная записка) to the director."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="memos")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("дата"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    addressee = models.CharField(_("кому"), max_length=300)
    text = models.TextField(_("текст"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("докладная записка")
        verbose_name_plural = _("докладные записки")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return _("Докладная записка %(date)s") % {"date": f"{self.date:%d.%m.%Y}"}

    @property
    def audit_school(self):
        return self.school


class Characteristic(models.Model):
    """R-C-8: the student's characteristic for the council or the КДН."""

    class Addressee(models.TextChoices):
        COUNCIL = "council", _("Совет профилактики")
        KDN = "kdn", _("КДН и ЗП")
        OTHER = "other", _("по месту требования")

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="characteristics"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("дата"))
    addressee = models.CharField(_("для"), max_length=16, choices=Addressee.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    family = models.TextField(_("семья, условия воспитания"), blank=True)
    study = models.TextField(_("учебная деятельность, успеваемость"), blank=True)
    behaviour = models.TextField(_("поведение, отношения со сверстниками и взрослыми"), blank=True)
    interests = models.TextField(_("интересы, занятость во внеурочное время"), blank=True)
    traits = models.TextField(_("личностные особенности"), blank=True)
    conclusion = models.TextField(_("выводы и рекомендации"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("характеристика обучающегося")
        verbose_name_plural = _("характеристики обучающихся")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return _("Характеристика %(date)s") % {"date": f"{self.date:%d.%m.%Y}"}

    @property
    def audit_school(self):
        return self.school
