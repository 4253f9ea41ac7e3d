"""Pure generators behind ``manage.py seed_demo``: invented people, curriculum, timetable.

Nothing here touches the database, so the rules (name endings, weekly hours, a
timetable without teacher clashes) can be read and tested on their own. Every
name is a random combination of the lists below; none describes a real person.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from accounts.roles import Role

DEMO_REGION_NAME = "Демонстрационная область"
DEMO_MUNICIPALITY_NAME = "Демоградский городской округ"
DEMO_CITY = "г. Демоград"
# Same for every demo user; long and uncommon enough for AUTH_PASSWORD_VALIDATORS.
DEMO_PASSWORD = "Demo-Shkola-2026"
SEED = 20260901

# One login per role, printed by ``manage.py demo_logins`` (school 1, then the territory).
DEMO_LOGINS: list[tuple[str, Role]] = [
    ("director1", Role.DIRECTOR),
    ("deputy1", Role.DEPUTY),
    ("admin1", Role.SCHOOL_ADMIN),
    ("socped1", Role.SOCIAL_PEDAGOGUE),
    ("psych1", Role.PSYCHOLOGIST),
    ("teacher1", Role.SUBJECT_TEACHER),
    ("classteacher1", Role.CLASS_TEACHER),
    ("municipal", Role.MUNICIPAL),
    ("regional", Role.REGIONAL),
]
# The same people of school 2, to show that one school cannot see the other.
DEMO_LOGINS_SCHOOL_2: list[tuple[str, Role]] = [
    ("director2", Role.DIRECTOR),
    ("deputy2", Role.DEPUTY),
    ("admin2", Role.SCHOOL_ADMIN),
    ("socped2", Role.SOCIAL_PEDAGOGUE),
    ("psych2", Role.PSYCHOLOGIST),
    ("teacher2", Role.SUBJECT_TEACHER),
    ("classteacher2", Role.CLASS_TEACHER),
]

# --- People -------------------------------------------------------------------------

BOY_NAMES = [
    "Александр", "Дмитрий", "Максим", "Артём", "Михаил", "Иван", "Кирилл", "Егор",
    "Никита", "Матвей", "Тимофей", "Роман", "Илья", "Андрей", "Даниил", "Глеб",
    "Степан", "Ярослав", "Лев", "Марк", "Фёдор", "Георгий", "Владимир", "Алексей",
]  # fmt: skip
GIRL_NAMES = [
    "Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Дарья", "Полина",
    "Елизавета", "Софья", "Александра", "Ксения", "Алина", "Варвара", "Вероника",
    "Арина", "Валерия", "Ульяна", "Алиса", "Василиса", "Милана", "Таисия", "Ева",
]  # fmt: skip
MAN_NAMES = [
    "Сергей", "Андрей", "Алексей", "Дмитрий", "Александр", "Евгений", "Владимир",
    "Игорь", "Олег", "Николай", "Михаил", "Павел", "Виктор", "Юрий", "Денис", "Роман",
    "Константин", "Вадим", "Антон", "Максим", "Иван", "Илья",
]  # fmt: skip
WOMAN_NAMES = [
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Анна",
    "Марина", "Екатерина", "Людмила", "Галина", "Надежда", "Оксана", "Виктория",
    "Валентина", "Лариса", "Евгения", "Мария", "Анастасия",
]  # fmt: skip
# Father's name → patronymic of a son and of a daughter.
PATRONYMICS: dict[str, tuple[str, str]] = {
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Александр": ("Александрович", "Александровна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Олег": ("Олегович", "Олеговна"),
    "Николай": ("Николаевич", "Николаевна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Павел": ("Павлович", "Павловна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Денис": ("Денисович", "Денисовна"),
    "Роман": ("Романович", "Романовна"),
    "Константин": ("Константинович", "Константиновна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Антон": ("Антонович", "Антоновна"),
    "Максим": ("Максимович", "Максимовна"),
    "Иван": ("Иванович", "Ивановна"),
    "Илья": ("Ильич", "Ильинична"),
    "Пётр": ("Петрович", "Петровна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"),
    "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Валерий": ("Валерьевич", "Валерьевна"),
    "Борис": ("Борисович", "Борисовна"),
    "Станислав": ("Станиславович", "Станиславовна"),
}
# Male forms; the female form follows from the ending (see ``surname_for``).
SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
    "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
    "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
    "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
    "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
    "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов",
    "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов",
    "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков",
    "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов",
    "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев",
    "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов", "Ефимов", "Щербаков",
    "Назаров", "Калинин", "Исаев", "Быков", "Маслов", "Родионов", "Коновалов",
    "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Прохоров",
    "Наумов", "Журавлёв", "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников",
    "Гончаров", "Никифоров", "Котов", "Гришин", "Архипов", "Громов", "Кириллов",
    "Панов", "Румянцев", "Акимов", "Горбунов", "Ерёмин", "Галкин", "Скворцов",
    "Белоусов", "Нестеров", "Цветков", "Логинов", "Краснов", "Демидов", "Рыбаков",
    "Покровский", "Островский", "Вишневский", "Зелинский", "Полянский",
]  # fmt: skip
STREETS = [
    "ул. Школьная", "ул. Садовая", "ул. Молодёжная", "ул. Лесная", "ул. Заречная",
    "ул. Рябиновая", "ул. Строителей", "ул. Солнечная", "ул. Берёзовая",
    "ул. Озёрная", "ул. Полевая", "пр-т Победы", "ул. Вишнёвая", "пер. Тихий",
    "ул. Луговая", "ул. Кленовая", "ул. Железнодорожная", "ул. Сосновая",
]  # fmt: skip
WORKPLACES = [
    "ООО «Демоградский хлебозавод»", "МУП «Горводоканал»", "ГБУЗ «Демоградская ЦРБ»",
    "ИП", "АО «Демоградэнерго»", "магазин «Радуга»", "МБДОУ «Детский сад № 3»",
    "ООО «Стройресурс»", "не работает", "ОАО «РЖД»", "ПАО «Сбербанк»",
]  # fmt: skip


def surname_for(surname: str, gender: str) -> str:
    """Иванов → Иванова, Покровский → Покровская for ``gender == "f"``."""
    if gender != "f":
        return surname
    if surname.endswith("ский") or surname.endswith("цкий"):
        return surname[:-2] + "ая"
    return surname + "а"


@dataclass
class Person:
    last_name: str
    first_name: str
    patronymic: str
    gender: str  # "m" / "f"

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name} {self.patronymic}"


class PeopleGenerator:
    """Invented Russian names with matching endings, reproducible from one seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def adult(self, gender: str | None = None, surname: str | None = None) -> Person:
        gender = gender or self.rng.choice("mf")
        first = self.rng.choice(MAN_NAMES if gender == "m" else WOMAN_NAMES)
        father = self.rng.choice(sorted(PATRONYMICS))
        patronymic = PATRONYMICS[father][0 if gender == "m" else 1]
        surname = surname or self.rng.choice(SURNAMES)
        return Person(surname_for(surname, gender), first, patronymic, gender)

    def family(self) -> tuple[Person, Person, Person]:
        """A child with the mother and father the child's names are consistent with."""
        surname = self.rng.choice(SURNAMES)
        father = self.adult("m", surname)
        mother = self.adult("f", surname)
        gender = self.rng.choice("mf")
        child_first = self.rng.choice(BOY_NAMES if gender == "m" else GIRL_NAMES)
        patronymic = PATRONYMICS[father.first_name][0 if gender == "m" else 1]
        child = Person(surname_for(surname, gender), child_first, patronymic, gender)
        return child, mother, father

    def phone(self) -> str:
        r = self.rng.randint
        return f"+7 9{r(0, 99):02d} {r(100, 999)}-{r(10, 99)}-{r(10, 99)}"

    def address(self) -> str:
        street = self.rng.choice(STREETS)
        house = self.rng.randint(1, 120)
        if self.rng.random() < 0.2:
            return f"{DEMO_CITY}, {street}, д. {house}"
        return f"{DEMO_CITY}, {street}, д. {house}, кв. {self.rng.randint(1, 180)}"

    def birth_date(self, grade: int, year_start: int) -> datetime.date:
        """Age 7 on 1 September in grade 1, 8 in grade 2 and so on."""
        first = datetime.date(year_start - 7 - grade, 9, 2)
        span = (datetime.date(year_start - 6 - grade, 9, 2) - first).days
        return first + datetime.timedelta(days=self.rng.randrange(span))


# --- Calendar -----------------------------------------------------------------------


@dataclass(frozen=True)
class YearPlan:
    name: str
    start: datetime.date
    end: datetime.date
    terms: list[tuple[datetime.date, datetime.date]]
    # (name, start, end, grade_from, grade_to)
    vacations: list[tuple[str, datetime.date, datetime.date, int, int]]


def academic_year_for(today: datetime.date) -> YearPlan:
    """Quarters and vacations of the academic year containing ``today`` (typical Russian dates)."""
    y = today.year if today.month >= 9 else today.year - 1

    def d(month, day):
        return datetime.date(y if month >= 9 else y + 1, month, day)

    return YearPlan(
        name=f"{y}/{y + 1}",
        start=d(9, 1),
        end=d(5, 31),
        terms=[
            (d(9, 1), d(10, 25)),
            (d(11, 5), d(12, 28)),
            (d(1, 12), d(3, 22)),
            (d(4, 1), d(5, 31)),
        ],
        vacations=[
            ("Осенние каникулы", d(10, 26), d(11, 4), 1, 11),
            ("Зимние каникулы", d(12, 29), d(1, 11), 1, 11),
            ("Дополнительные каникулы для 1 класса", d(2, 15), d(2, 21), 1, 1),
            ("Весенние каникулы", d(3, 23), d(3, 31), 1, 11),
        ],
    )


# 45-minute periods from 08:30 with two long breaks after periods 2 and 3.
BELLS = [
    (1, "08:30", "09:15"),
    (2, "09:25", "10:10"),
    (3, "10:30", "11:15"),
    (4, "11:35", "12:20"),
    (5, "12:30", "13:15"),
    (6, "13:25", "14:10"),
    (7, "14:20", "15:05"),
    (8, "15:15", "16:00"),
]

# --- Curriculum and staff -----------------------------------------------------------

SUBJECT_SHORT_NAMES = {
    "Русский язык": "Рус. яз.",
    "Литературное чтение": "Лит. чт.",
    "Математика": "Матем.",
    "Окружающий мир": "Окр. мир",
    "Английский язык": "Англ. яз.",
    "Физическая культура": "Физ-ра",
    "Музыка": "Музыка",
    "Изобразительное искусство": "ИЗО",
    "Технология": "Технол.",
    "ОРКСЭ": "ОРКСЭ",
    "ОДНКНР": "ОДНКНР",
    "История": "История",
    "Обществознание": "Общество",
    "География": "Геогр.",
    "Биология": "Биол.",
    "Физика": "Физика",
    "Химия": "Химия",
    "Информатика": "Информ.",
    "Алгебра": "Алгебра",
    "Геометрия": "Геом.",
    "Вероятность и статистика": "ВиС",
    "Литература": "Лит-ра",
    "ОБЗР": "ОБЗР",
    "Индивидуальный проект": "Инд. проект",
}
ENGLISH = "Английский язык"

# Weekly hours per grade; each row sums to the number of lesson slots of the week.
_CURRICULUM = {
    1: {"Русский язык": 5, "Литературное чтение": 4, "Математика": 4, "Окружающий мир": 2,
        "Музыка": 1, "Изобразительное искусство": 1, "Технология": 1,
        "Физическая культура": 3},
    2: {"Русский язык": 5, "Литературное чтение": 4, "Английский язык": 2, "Математика": 5,
        "Окружающий мир": 2, "Музыка": 1, "Изобразительное искусство": 1, "Технология": 2,
        "Физическая культура": 3},
    4: {"Русский язык": 5, "Литературное чтение": 4, "Английский язык": 2, "Математика": 5,
        "Окружающий мир": 2, "ОРКСЭ": 1, "Музыка": 1, "Изобразительное искусство": 1,
        "Технология": 1, "Физическая культура": 3},
    5: {"Русский язык": 6, "Литература": 3, "Английский язык": 3, "Математика": 5,
        "История": 2, "ОДНКНР": 1, "География": 1, "Биология": 1, "Музыка": 1,
        "Изобразительное искусство": 1, "Технология": 2, "Физическая культура": 3,
        "Информатика": 1},
    6: {"Русский язык": 6, "Литература": 3, "Английский язык": 3, "Математика": 5,
        "История": 2, "Обществознание": 1, "География": 1, "Биология": 1, "Музыка": 1,
        "Изобразительное искусство": 1, "Технология": 2, "Физическая культура": 3,
        "Информатика": 1},
    7: {"Русский язык": 4, "Литература": 2, "Английский язык": 3, "Алгебра": 3,
        "Геометрия": 2, "Вероятность и статистика": 1, "Информатика": 1, "История": 2,
        "Обществознание": 1, "География": 2, "Биология": 1, "Физика": 2, "Музыка": 1,
        "Изобразительное искусство": 1, "Технология": 2, "Физическая культура": 2},
    8: {"Русский язык": 3, "Литература": 2, "Английский язык": 3, "Алгебра": 3,
        "Геометрия": 2, "Вероятность и статистика": 1, "Информатика": 1, "История": 2,
        "Обществознание": 1, "География": 2, "Биология": 2, "Физика": 2, "Химия": 2,
        "Технология": 1, "Физическая культура": 2, "ОБЗР": 1},
    10: {"Русский язык": 3, "Литература": 3, "Английский язык": 3, "Алгебра": 4,
         "Геометрия": 3, "Вероятность и статистика": 1, "Информатика": 2, "История": 2,
         "Обществознание": 2, "География": 1, "Биология": 2, "Физика": 3, "Химия": 2,
         "Физическая культура": 2, "ОБЗР": 1, "Индивидуальный проект": 1},
}  # fmt: skip
_CURRICULUM_ROW_FOR_GRADE = {1: 1, 2: 2, 3: 2, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 8, 10: 10, 11: 10}


def day_lengths(grade: int) -> list[int]:
    """Lessons per weekday (Monday..Friday)."""
    if grade == 1:
        return [4, 4, 5, 4, 4]
    if grade <= 4:
        return [5] * 5
    if grade <= 9:
        return [6] * 5
    return [7] * 5


def curriculum(grade: int) -> dict[str, int]:
    hours = _CURRICULUM[_CURRICULUM_ROW_FOR_GRADE[grade]]
    assert sum(hours.values()) == sum(day_lengths(grade)), grade
    return hours


def splits_into_groups(grade: int, subject: str) -> bool:
    return subject == ENGLISH and grade >= 5


PRIMARY = "primary"
# Who teaches what from grade 5 (and English, music, PE already in primary school).
PROFILES: dict[str, tuple[str, list[str]]] = {
    "russian": ("Учитель русского языка и литературы", ["Русский язык", "Литература"]),
    "math": (
        "Учитель математики",
        ["Математика", "Алгебра", "Геометрия", "Вероятность и статистика"],
    ),
    "english": ("Учитель английского языка", [ENGLISH]),
    "history": ("Учитель истории и обществознания", ["История", "Обществознание", "ОДНКНР"]),
    "biology": ("Учитель биологии и химии", ["Биология", "Химия"]),
    "geography": ("Учитель географии", ["География"]),
    "physics": ("Учитель физики и информатики", ["Физика", "Информатика"]),
    "pe": ("Учитель физической культуры и ОБЗР", ["Физическая культура", "ОБЗР"]),
    "arts": ("Учитель музыки и ИЗО", ["Музыка", "Изобразительное искусство"]),
    "technology": ("Учитель технологии", ["Технология", "Индивидуальный проект"]),
}
PRIMARY_POSITION = "Учитель начальных классов"
_PROFILE_OF_SUBJECT = {s: code for code, (_, subjects) in PROFILES.items() for s in subjects}
_SPECIALISTS_IN_PRIMARY = {ENGLISH, "Музыка", "Физическая культура"}
TARGET_WEEKLY_LOAD = 20


def profile_of(grade: int, subject: str) -> str:
    if grade <= 4 and subject not in _SPECIALISTS_IN_PRIMARY:
        return PRIMARY
    return _PROFILE_OF_SUBJECT[subject]


@dataclass
class TeacherPlan:
    key: str  # stable within a school: "primary-2А", "math-1"
    profile: str
    person: Person
    load: int = 0
    classes: set[str] = field(default_factory=set)

    @property
    def position(self) -> str:
        return PRIMARY_POSITION if self.profile == PRIMARY else PROFILES[self.profile][0]


@dataclass
class Unit:
    """One weekly lesson to place: a subject for the whole class or for its two groups."""

    subject: str
    teachers: tuple[str, ...]  # one teacher, or one per group
    groups: tuple[int, ...] = ()  # group numbers (1, 2) when split


def plan_staff(
    classes: list[tuple[int, str]], people: PeopleGenerator
) -> tuple[dict[str, TeacherPlan], dict[tuple[int, str], list[Unit]]]:
    """Hire enough teachers per subject profile and give each class its weekly units."""
    hours_by_profile: dict[str, int] = {}
    for grade, _letter in classes:
        for subject, hours in curriculum(grade).items():
            profile = profile_of(grade, subject)
            factor = 2 if splits_into_groups(grade, subject) else 1
            hours_by_profile[profile] = hours_by_profile.get(profile, 0) + hours * factor

    teachers: dict[str, TeacherPlan] = {}
    by_profile: dict[str, list[TeacherPlan]] = {}
    for profile, total in sorted(hours_by_profile.items()):
        if profile == PRIMARY:
            continue
        count = max(2 if profile == "english" else 1, math.ceil(total / TARGET_WEEKLY_LOAD))
        for n in range(1, count + 1):
            # Schools are mostly staffed by women; keep a realistic share of men.
            gender = "m" if people.rng.random() < 0.25 else "f"
            plan = TeacherPlan(f"{profile}-{n}", profile, people.adult(gender))
            teachers[plan.key] = plan
            by_profile.setdefault(profile, []).append(plan)

    units: dict[tuple[int, str], list[Unit]] = {}
    for grade, letter in classes:
        label = f"{grade}{letter}"
        assigned: dict[str, TeacherPlan] = {}
        class_units: list[Unit] = []
        for subject, hours in curriculum(grade).items():
            profile = profile_of(grade, subject)
            if profile == PRIMARY:
                key = f"primary-{label}"
                if key not in teachers:
                    teachers[key] = TeacherPlan(key, PRIMARY, people.adult("f"))
                teacher = teachers[key]
                teacher.load += hours
                teacher.classes.add(label)
                class_units += [Unit(subject, (key,))] * hours
                continue
            pool = by_profile[profile]
            if splits_into_groups(grade, subject):
                first, second = sorted(pool, key=lambda t: (t.load, t.key))[:2]
                for t in (first, second):
                    t.load += hours
                    t.classes.add(label)
                class_units += [Unit(subject, (first.key, second.key), (1, 2))] * hours
                continue
            # A class keeps one teacher per profile (the same teacher for algebra and geometry).
            if profile not in assigned:
                assigned[profile] = min(pool, key=lambda t: (t.load, t.key))
            teacher = assigned[profile]
            teacher.load += hours
            teacher.classes.add(label)
            class_units += [Unit(subject, (teacher.key,))] * hours
        units[(grade, letter)] = class_units
    return teachers, units


class TimetableError(RuntimeError):
    pass


def build_timetable(
    units: dict[tuple[int, str], list[Unit]], rng: random.Random, attempts: int = 400
) -> dict[tuple[int, str], dict[tuple[int, int], Unit]]:
    """Place every unit on (weekday, period) so no teacher is in two places at once.

    Randomised greedy, class by class from the senior grades (most subjects, most
    shared teachers) down; a class that cannot be completed is retried with a new order.
    """
    busy: set[tuple[str, int, int]] = set()
    result: dict[tuple[int, str], dict[tuple[int, int], Unit]] = {}
    for key in sorted(units, key=lambda k: (-k[0], k[1])):
        grade = key[0]
        for _ in range(attempts):
            grid = _place_class(units[key], day_lengths(grade), busy, rng)
            if grid is not None:
                break
        else:
            raise TimetableError(f"Cannot build a timetable for class {key}")
        result[key] = grid
        for (weekday, period), unit in grid.items():
            for teacher in unit.teachers:
                busy.add((teacher, weekday, period))
    return result


def _place_class(units, lengths, busy, rng):
    hours: dict[str, int] = {}
    for unit in units:
        hours[unit.subject] = hours.get(unit.subject, 0) + 1
    order = list(units)
    rng.shuffle(order)
    # Subjects with many hours first: they have the fewest acceptable days.
    order.sort(key=lambda u: -hours[u.subject])
    free = {(d, p) for d, n in enumerate(lengths, start=1) for p in range(1, n + 1)}
    per_day: dict[tuple[str, int], int] = {}
    grid: dict[tuple[int, int], Unit] = {}
    for unit in order:
        cap = math.ceil(hours[unit.subject] / len(lengths))
        options = [
            (d, p)
            for d, p in free
            if per_day.get((unit.subject, d), 0) < cap
            and not any((t, d, p) in busy for t in unit.teachers)
        ]
        if not options:
            return None
        rng.shuffle(options)
        d, p = min(options, key=lambda s: per_day.get((unit.subject, s[0]), 0))
        grid[(d, p)] = unit
        free.discard((d, p))
        per_day[(unit.subject, d)] = per_day.get((unit.subject, d), 0) + 1
    return grid
