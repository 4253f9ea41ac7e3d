"""Organisation (R-A): region → municipality → school, classes, students, enrollments."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    name = models.CharField(_("название"), max_length=200, unique=True)
    code = models.CharField(_("код субъекта РФ"), max_length=8, blank=True)
    # ISO 3166-2 subdivision, used for regional public holidays (e.g. RU-BU).
    iso_code = models.CharField(_("код ISO 3166-2"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("название"), max_length=200)

    class Meta:
        verbose_name = _("муниципалитет")
        verbose_name_plural = _("муниципалитеты")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unique_municipality_name")
        ]

    def __str__(self):
        return self.name


class WeekLength(models.IntegerChoices):
    FIVE_DAYS = 5, _("пятидневная")
    SIX_DAYS = 6, _("шестидневная")


class School(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=200)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    director_name = models.CharField(_("ФИО директора"), max_length=200, blank=True)
    week_length = models.PositiveSmallIntegerField(
        _("учебная неделя"), choices=WeekLength.choices, default=WeekLength.FIVE_DAYS
    )
    lesson_minutes = models.PositiveSmallIntegerField(
        _("длительность урока, мин"),
        default=45,
        validators=[MinValueValidator(20), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("школа")
        verbose_name_plural = _("школы")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    @property
    def region(self):
        return self.municipality.region

    @property
    def audit_school(self):
        return self

    def access_school_ids(self) -> frozenset[int]:
        """The schools this object belongs to for permissions (accounts.rules)."""
        return frozenset({self.pk})


class AcademicYear(models.Model):
    """A school's academic year; terms, vacations and classes hang off it."""

    class TermSystem(models.TextChoices):
        QUARTERS = "quarters", _("четверти")
        TRIMESTERS = "trimesters", _("триместры")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    name = models.CharField(_("учебный год"), max_length=20)  # «2026/2027»
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))
    term_system = models.CharField(
        _("деление на периоды"),
        max_length=16,
        choices=TermSystem.choices,
        default=TermSystem.QUARTERS,
    )

    class Meta:
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        ordering = ["school", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_academic_year"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="academic_year_dates"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_school(self):
        return self.school


class SchoolClass(models.Model):
    """A class (5 «Б») in one academic year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="classes"
    )
    grade = models.PositiveSmallIntegerField(
        _("параллель"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    letter = models.CharField(_("литера"), max_length=4)
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="homeroom_classes",
        verbose_name=_("классный руководитель"),
    )

    class Meta:
        verbose_name = _("класс")
        verbose_name_plural = _("классы")
        ordering = ["grade", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "grade", "letter"], name="unique_class_in_year"
            ),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=11), name="class_grade"),
        ]

    def __str__(self):
        return f"{self.grade} «{self.letter}»"

    @property
    def audit_school(self):
        return self.school

    def access_classes(self) -> list["SchoolClass"]:
        """The classes this object is about for permissions (accounts.rules)."""
        return [self]


class ClassGroup(models.Model):
    """A subgroup of a class for split lessons (foreign language, technology)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("название подгруппы"), max_length=100)
    students = models.ManyToManyField("Student", related_name="class_groups", blank=True)

    class Meta:
        verbose_name = _("подгруппа")
        verbose_name_plural = _("подгруппы")
        ordering = ["school_class", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "name"], name="unique_group_name")
        ]

    def __str__(self):
        return f"{self.school_class}, {self.name}"

    @property
    def audit_school(self):
        return self.school_class.school


class Student(models.Model):
    """A child. Which school sees them follows from their enrollments."""

    class Gender(models.TextChoices):
        FEMALE = "f", _("женский")
        MALE = "m", _("мужской")

    last_name = models.CharField(_("фамилия"), max_length=150)
    first_name = models.CharField(_("имя"), max_length=150)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    birth_date = models.DateField(_("дата рождения"))
    gender = models.CharField(_("пол"), max_length=1, choices=Gender.choices, blank=True)
    registration_address = models.CharField(_("адрес регистрации"), max_length=500, blank=True)
    actual_address = models.CharField(
        _("адрес фактического проживания"), max_length=500, blank=True
    )
    # Family status flags of R-A.
    large_family = models.BooleanField(_("многодетная семья"), default=False)
    low_income = models.BooleanField(_("малообеспеченная семья"), default=False)
    single_parent = models.BooleanField(_("неполная семья"), default=False)
    difficult_life_situation = models.BooleanField(
        _("трудная жизненная ситуация (ТЖС)"), default=False
    )
    socially_dangerous_position = models.BooleanField(
        _("социально опасное положение (СОП)"), default=False
    )
    disability = models.BooleanField(_("инвалидность / ОВЗ"), default=False)
    # Registry «не обучаются по состоянию здоровья» (seed 002 §6.3, R-J-7).
    not_studying_for_health = models.BooleanField(
        _("не обучается по состоянию здоровья"), default=False
    )
    not_studying_for_health_note = models.CharField(
        _("основание (не обучается по состоянию здоровья)"), max_length=500, blank=True
    )
    notes = models.TextField(_("примечания"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("обучающийся")
        verbose_name_plural = _("обучающиеся")
        ordering = ["last_name", "first_name", "patronymic"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    def access_school_ids(self) -> frozenset[int]:
        """Every school the student has an enrollment in (accounts.rules); a transferred
        child keeps their history readable in the old school. Cached on the object."""
        cached = getattr(self, "_school_ids_cache", None)
        if cached is None:
            cached = frozenset(self.enrollments.values_list("school_id", flat=True))
            self._school_ids_cache = cached
        return cached

    def access_classes(self) -> list["SchoolClass"]:
        """The classes of the student's enrollments (accounts.rules). Cached on the object:
        a page asks several permissions about one student."""
        cached = getattr(self, "_classes_cache", None)
        if cached is None:
            cached = list(
                SchoolClass.objects.filter(enrollments__student=self).only(
                    "pk", "school_id", "class_teacher_id"
                )
            )
            self._classes_cache = cached
        return cached


class Guardian(models.Model):
    """A parent or legal representative (законный представитель)."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("мать")
        FATHER = "father", _("отец")
        GUARDIAN = "guardian", _("опекун")
        FOSTER = "foster", _("приёмный родитель")
        OTHER = "other", _("иной законный представитель")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    full_name = models.CharField(_("ФИО"), max_length=300)
    relation = models.CharField(_("степень родства"), max_length=16, choices=Relation.choices)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    workplace = models.CharField(_("место работы"), max_length=300, blank=True)
    # What the act of a home visit and the forms on a child out of school ask (seed 003).
    birth_date = models.DateField(_("дата рождения"), null=True, blank=True)
    education = models.CharField(_("образование"), max_length=200, blank=True)
    work_schedule = models.CharField(_("режим работы"), max_length=200, blank=True)
    whereabouts = models.CharField(_("местонахождение"), max_length=500, blank=True)
    lives_with_student = models.BooleanField(_("проживает с ребёнком"), default=True)

    class Meta:
        verbose_name = _("законный представитель")
        verbose_name_plural = _("законные представители")
        ordering = ["student", "relation"]

    def __str__(self):
        return f"{self.full_name} ({self.get_relation_display()})"


class LeavingCategory(models.TextChoices):
    """Why an enrollment ended; LEFT_NOT_STUDYING feeds a registry of seed 002 §6.3."""

    TRANSFERRED = "transferred", _("перевод в другую образовательную организацию")
    MOVED = "moved", _("переезд")
    GRADUATED = "graduated", _("завершил обучение")
    LEFT_NOT_STUDYING = (
        "left_not_studying",
        _("выбыл, не завершив общего образования, и нигде не обучается"),
    )
    OTHER = "other", _("иное")


def enrolled_on(day, prefix: str = "") -> Q:
    """An enrollment (reached through ``prefix``, e.g. ``"enrollments__"``) that covers
    ``day``: started on or before it and not ended before it."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def enrolled_during(start, end, prefix: str = "") -> Q:
    """An enrollment that overlaps [start, end] (on at least one of its days)."""
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    )


class EnrollmentQuerySet(models.QuerySet):
    """The enrollment date conditions, written once (R-CAL-4)."""

    def on(self, day):
        return self.filter(enrolled_on(day))

    def during(self, start, end):
        return self.filter(enrolled_during(start, end))


class Enrollment(models.Model):
    """A student's membership of a class between two dates (R-CAL-4)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrollments"
    )
    # Denormalised from the class so that school scoping is one indexed join.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField(_("зачислен"))
    end_date = models.DateField(_("выбыл"), null=True, blank=True)
    admission_basis = models.CharField(_("основание зачисления"), max_length=300, blank=True)
    leaving_reason = models.CharField(_("причина выбытия"), max_length=300, blank=True)
    leaving_category = models.CharField(
        _("категория выбытия"), max_length=20, choices=LeavingCategory.choices, blank=True
    )
    # Where the student went (another school, a town): the registry of those who left
    # (R-J-7) and the transfer's paper trail ask for it.
    leaving_destination = models.CharField(
        _("куда выбыл"), max_length=300, blank=True, default="", db_default=""
    )
    # Seed 003 App. 2 asks for it in the reasons of non-attendance («указать повторность
    # обучения»): the student repeats the grade of this class. A database default too:
    # bulk SQL that inserts enrollments (bench/thresholds.py) need not name it.
    repeats_grade = models.BooleanField(_("повторное обучение"), default=False, db_default=False)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("зачисление")
        verbose_name_plural = _("зачисления")
        ordering = ["student", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrollment_dates",
            ),
        ]
        indexes = [models.Index(fields=["school_class", "start_date", "end_date"])]

    def __str__(self):
        return _("%(student)s — %(school_class)s с %(start_date)s") % {
            "student": self.student,
            "school_class": self.school_class,
            "start_date": f"{self.start_date:%d.%m.%Y}",
        }

    def save(self, *args, **kwargs):
        self.school_id = self.school_class.school_id
        super().save(*args, **kwargs)

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    @property
    def audit_school(self):
        return self.school


class Subject(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(_("название"), max_length=200)
    short_name = models.CharField(_("сокращение"), max_length=40, blank=True)
    # An archived subject keeps its lessons and marks but is no longer offered for new
    # timetable lines (administration pages).
    archived = models.BooleanField(_("в архиве"), default=False, db_default=False)

    class Meta:
        verbose_name = _("предмет")
        verbose_name_plural = _("предметы")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="unique_subject")]

    def __str__(self):
        return self.name

    @property
    def audit_school(self):
        return self.school
