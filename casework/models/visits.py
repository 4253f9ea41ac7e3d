"""Home visits and the act of inspection of living conditions (R-C-3, seed 003 alg. 4–5 and
the form appended to it).

The act's fields follow the form's order. Where the form offers fixed answers (in brackets
under a line), they are choices, and a free-text field next to them says the rest.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class HousingType(models.TextChoices):
    APARTMENT = "apartment", _("многоквартирный дом")
    HOUSE = "house", _("частный дом")
    OTHER = "other", _("иное")


class SanitaryState(models.TextChoices):
    GOOD = "good", _("хорошее")
    SATISFACTORY = "satisfactory", _("удовлетворительное")
    UNSATISFACTORY = "unsatisfactory", _("неудовлетворительное")


class ChildCondition(models.TextChoices):
    """What the child has at home (the form's «жилищно-бытовые условия обучающегося»)."""

    OWN_ROOM = "own_room", _("отдельная комната")
    SLEEPING_PLACE = "sleeping_place", _("место для сна")
    STUDY_PLACE = "study_place", _("место для занятий")
    BOOKS = "books", _("книги")
    SCHOOL_SUPPLIES = "school_supplies", _("школьно-письменные принадлежности")
    FOOD = "food", _("продукты питания")
    SEASONAL_CLOTHES = "seasonal_clothes", _("вещи по сезону")
    HYGIENE = "hygiene", _("навыки и всё необходимое для личной гигиены")


class SchoolContact(models.TextChoices):
    """The parents' contact with the school (the form's list, in its order)."""

    ATTEND_EVENTS = "attend_events", _("посещают школьные мероприятия")
    ATTEND_SOMETIMES = "attend_sometimes", _("посещают мероприятия не всегда")
    NEVER_COME = "never_come", _("школу не посещают")
    COME_WHEN_CALLED = "come_when_called", _("посещают по вызову")
    IGNORE_CALLS = "ignore_calls", _("на вызовы не являются")
    BY_PHONE = "by_phone", _("поддерживают связь по телефону")
    AVOID_TEACHER = "avoid_teacher", _("избегают общения с педагогом (не отвечают на звонки)")
    CONFLICT = "conflict", _("конфликтные отношения с учителем")


class ParentalControl(models.TextChoices):
    REGULAR = "regular", _("регулярный")
    IRREGULAR = "irregular", _("нерегулярный")
    ABSENT = "absent", _("отсутствует")


class Relations(models.TextChoices):
    """The parents' relations with the child (the form's list, in its order)."""

    FRIENDLY = "friendly", _("доброжелательные")
    TRUSTING = "trusting", _("доверительные")
    AUTHORITY = "authority", _("родители пользуются авторитетом")
    OVERPROTECTION = "overprotection", _("гиперопека")
    NEGLECT = "neglect", _("гипоопека")
    INDIFFERENT = "indifferent", _("отчуждённо-безразличные")
    NO_UNDERSTANDING = "no_understanding", _("отсутствие взаимопонимания")
    CONFLICT = "conflict", _("напряжённо-конфликтные")
    NO_AUTHORITY = "no_authority", _("родители не пользуются авторитетом")
    CRUELTY = "cruelty", _("допускается жестокое обращение с ребёнком")


class FamilyProblem(models.TextChoices):
    """The family's problems (the form's list, in its order)."""

    LOW_LITERACY = "low_literacy", _("недостаточная психолого-педагогическая грамотность")
    PARENT_CONFLICT = "parent_conflict", _("конфликтные отношения между родителями")
    NO_CONTROL = (
        "no_control",
        _(
            "ненадлежащее исполнение родительских обязанностей (бесконтрольность, "
            "самоустранение от решения проблем ребёнка)"
        ),
    )
    BASIC_NEEDS = (
        "basic_needs",
        _(
            "неспособность обеспечить основные потребности ребёнка (жильё, пища, одежда, "
            "гигиена, уход, медицинская помощь)"
        ),
    )
    ALCOHOL = "alcohol", _("злоупотребление спиртными напитками (матери, отца, отчима)")
    IMMORAL = "immoral", _("аморальный образ жизни (матери, отца, отчима)")
    BAD_EXAMPLE = "bad_example", _("отрицательный пример родителей")
    CRIME = "crime", _("вовлечение в преступную деятельность")
    CRUELTY = "cruelty", _("жестокое обращение с ребёнком")


# The act's fields (services, forms), in the order of seed 003's form (the commission's members apart).
ACT_FIELDS = (
    "visited_on",
    "student_name",
    "birth_year",
    "class_name",
    "disability",
    "address",
    "mother_name",
    "mother_age",
    "mother_work",
    "mother_schedule",
    "mother_education",
    "mother_phone",
    "father_name",
    "father_age",
    "father_work",
    "father_schedule",
    "father_education",
    "father_phone",
    "other_relatives",
    "family_income",
    "housing_type",
    "housing",
    "sanitary_state",
    "sanitary_note",
    "child_conditions",
    "child_conditions_note",
    "daily_routine",
    "school_contact",
    "parental_control",
    "school_contact_note",
    "relations",
    "relations_note",
    "family_problems",
    "family_problems_note",
    "additional_info",
    "responsibility_explained",
    "measures_proposed",
    "parents_present",
    "danger_found",
)


def _choices_array(choices, label):
    return ArrayField(
        models.CharField(max_length=32, choices=choices),
        verbose_name=label,
        default=list,
        blank=True,
    )


class HomeVisit(models.Model):
    """A visit to the family, planned and then done; a done visit carries the act."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        DONE = "done", _("проведено")
        CANCELLED = "cancelled", _("отменено")

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="visits")
    student = models.ForeignKey("schools.Student", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    planned_for = models.DateField(_("дата посещения (план)"))
    purpose = models.CharField(
        _("цель посещения"),
        max_length=500,
        default=_("выяснение причин пропусков уроков, обследование жилищно-бытовых условий"),
    )
    # Seed 003 alg. 4: the class teacher tells the parents about the visit by phone.
    parents_informed_on = models.DateField(_("родители предупреждены"), null=True, blank=True)
    # Seed 003 alg. 5: the commission visits with the director's (deputy's) agreement.
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("согласовано"),
    )
    agreed_at = models.DateTimeField(_("дата согласования"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="home_visits",
        blank=True,
        verbose_name=_("члены комиссии (сотрудники школы)"),
    )
    # Parent-committee members, a КДН or ПДН officer (seed 002 §4.3): name and position.
    other_members = models.TextField(_("другие члены комиссии (ФИО, должность)"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)

    # The act (seed 003, appended form), in the form's order.
    visited_on = models.DateField(_("дата акта"), null=True, blank=True)
    # The child as the act names them when it is drawn up (the child may move on or be
    # renamed; the act does not change): prefilled from the student's record.
    student_name = models.CharField(_("ФИО обучающегося"), max_length=300, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("год рождения"), null=True, blank=True)
    class_name = models.CharField(_("класс"), max_length=32, blank=True)
    disability = models.CharField(_("наличие инвалидности"), max_length=300, blank=True)
    address = models.CharField(_("адрес проживания"), max_length=500, blank=True)
    mother_name = models.CharField(_("мать / мачеха: ФИО"), max_length=300, blank=True)
    mother_age = models.PositiveSmallIntegerField(_("возраст"), null=True, blank=True)
    mother_work = models.CharField(_("место работы"), max_length=300, blank=True)
    mother_schedule = models.CharField(_("режим работы"), max_length=200, blank=True)
    mother_education = models.CharField(_("образование"), max_length=200, blank=True)
    mother_phone = models.CharField(_("контактный телефон"), max_length=64, blank=True)
    father_name = models.CharField(_("отец / отчим: ФИО"), max_length=300, blank=True)
    father_age = models.PositiveSmallIntegerField(_("возраст"), null=True, blank=True)
    father_work = models.CharField(_("место работы"), max_length=300, blank=True)
    father_schedule = models.CharField(_("режим работы"), max_length=200, blank=True)
    father_education = models.CharField(_("образование"), max_length=200, blank=True)
    father_phone = models.CharField(_("контактный телефон"), max_length=64, blank=True)
    other_relatives = models.TextField(
        _("другие родственники, проживающие совместно (ФИО, год рождения, степень родства)"),
        blank=True,
    )
    family_income = models.TextField(
        _(
            "общий доход семьи (заработная плата, алименты, пенсии, пособия, "
            "иные социальные выплаты)"
        ),
        blank=True,
    )
    housing_type = models.CharField(
        _("жилищные условия"), max_length=16, choices=HousingType.choices, blank=True
    )
    housing = models.TextField(
        _("состояние жилья, жилая площадь, число комнат, благоустройство"), blank=True
    )
    sanitary_state = models.CharField(
        _("санитарно-гигиеническое состояние жилой площади"),
        max_length=16,
        choices=SanitaryState.choices,
        blank=True,
    )
    sanitary_note = models.TextField(_("санитарное состояние: подробно"), blank=True)
    child_conditions = _choices_array(
        ChildCondition.choices, _("жилищно-бытовые условия обучающегося: имеется")
    )
    child_conditions_note = models.TextField(
        _("жилищно-бытовые условия обучающегося: состояние, чего нет"), blank=True
    )
    daily_routine = models.TextField(
        _(
            "соблюдение режима дня (домашние задания, свободное время, домашний труд, "
            "кружки и секции, режим сна)"
        ),
        blank=True,
    )
    school_contact = _choices_array(SchoolContact.choices, _("связь родителей со школой"))
    parental_control = models.CharField(
        _("контроль за поведением со стороны родителей"),
        max_length=16,
        choices=ParentalControl.choices,
        blank=True,
    )
    school_contact_note = models.TextField(_("связь со школой: подробно"), blank=True)
    relations = _choices_array(
        Relations.choices, _("отношения родителей (законных представителей) с обучающимся")
    )
    relations_note = models.TextField(_("отношения: подробно"), blank=True)
    family_problems = _choices_array(FamilyProblem.choices, _("проблемы семьи"))
    family_problems_note = models.TextField(_("проблемы семьи: подробно"), blank=True)
    additional_info = models.TextField(_("дополнительные сведения"), blank=True)
    # Seed 003 alg. 5: the parents' responsibility is explained, measures are proposed.
    responsibility_explained = models.BooleanField(
        _("родителям разъяснена ответственность за ненадлежащее исполнение обязанностей"),
        default=False,
    )
    measures_proposed = models.TextField(
        _("предложенные родителям меры по устранению причин пропусков"), blank=True
    )
    parents_present = models.CharField(
        _("присутствовали родители (законные представители)"), max_length=500, blank=True
    )
    # Conditions threatening the child's life or health (seed 003 alg. 23): the family is
    # then marked СОП from the case.
    danger_found = models.BooleanField(
        _("выявлены обстоятельства, угрожающие жизни и здоровью ребёнка"), default=False
    )
    act_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    act_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("посещение семьи")
        verbose_name_plural = _("посещения семьи")
        ordering = ["-planned_for", "-pk"]
        indexes = [models.Index(fields=["school", "status", "planned_for"])]

    def __str__(self):
        return _("Посещение семьи %(date)s") % {
            "date": f"{self.visited_on or self.planned_for:%d.%m.%Y}"
        }

    @property
    def audit_school(self):
        return self.school

    @property
    def has_act(self) -> bool:
        return self.status == self.Status.DONE
