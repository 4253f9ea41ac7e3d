"""Alerts fired by the threshold rules (spec §4) and the dated tasks they open."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    """The thresholds of spec §4, named by what they mean, never by their default numbers:
    a region or a school changes the numbers (``policy.catalog``, ``thresholds.*``)."""

    UNKNOWN_REASON = "unknown_reason", _("Причина пропуска не установлена к концу дня")  # R-T-0
    # R-T-3, R-T-5: consecutive school days missed without a valid reason.
    STREAK_INVITE = (
        "streak_invite",
        _("Пропуск учебных дней подряд без уважительной причины: вызов родителей на беседу"),
    )
    STREAK_MEMO = (
        "streak_memo",
        _("Пропуск учебных дней подряд без уважительной причины: докладная записка директору"),
    )
    STREAK_HOME_VISIT = (
        "streak_home_visit",
        _("Пропуск учебных дней подряд без уважительной причины: посещение семьи"),
    )
    CRITERION_22 = (  # R-T-10, seed 001
        "criterion_22",
        _("Длительное отсутствие на всех уроках без установленной причины (критерий №22)"),
    )
    # R-T-H: lessons missed in a month, in the grade's bands.
    SYSTEMATIC_ABSENCE = "systematic_absence", _("Систематические пропуски за месяц")
    LONG_ABSENCE = "long_absence", _("Длительные пропуски за месяц")
    # R-T-30: the share of instructional time missed.
    INSTRUCTIONAL_TIME_MONTH = (
        "instructional_time_month",
        _("Пропущена пороговая доля учебного времени за месяц"),
    )
    INSTRUCTIONAL_TIME_TERM = (
        "instructional_time_term",
        _("Пропущена пороговая доля учебного времени за четверть (триместр)"),
    )
    WEEK_MISSED = "week_missed", _("Пропуск учебной недели")  # R-T-W
    SYSTEMATIC_LATENESS = "systematic_lateness", _("Систематические опоздания")  # R-T-W
    NOT_BACK_AFTER_VACATION = (  # R-T-V
        "not_back_after_vacation",
        _("Не приступил к учёбе после каникул"),
    )


class Alert(models.Model):
    """One firing of a rule for one student and one episode (a streak, day, week, month, term)."""

    class Status(models.TextChoices):
        OPEN = "open", _("открыт")
        RESOLVED = "resolved", _("снят")

    # The first run of a region inserts alerts and tasks by the hundred thousand (the bulk
    # path of alerts.services): no index a composite one already starts with, and no
    # database check of the school, which the engine takes from the enrollment it has just
    # read (Django still cascades a deleted school's rows).
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # (school, status, rule)
        db_constraint=False,
    )
    student = models.ForeignKey(
        "schools.Student",
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,  # one_alert_per_episode (student, rule, episode)
    )
    rule = models.CharField(_("правило"), max_length=32, choices=Rule.choices)
    # Identifies the episode: streak start, day, week start, «2026-11», «term-12».
    episode = models.CharField(max_length=32)
    period_start = models.DateField(_("период с"))
    period_end = models.DateField(_("период по"))
    evidence = models.JSONField(_("основание"), default=dict, encoder=DjangoJSONEncoder)
    # Fingerprint of the detected row the alert was built from (alerts.detect): a run
    # compares it instead of the evidence.
    digest = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    fired_at = models.DateTimeField(_("сработал"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("снят"), null=True, blank=True)
    resolution = models.CharField(_("причина снятия"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("сигнал")
        verbose_name_plural = _("сигналы")
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "rule", "episode"], name="one_alert_per_episode"
            )
        ]
        indexes = [
            models.Index(fields=["school", "status", "rule"]),
            # What the evaluation compares its rows with, read from the index alone
            # (PostgreSQL; other databases ignore the included columns).
            models.Index(
                fields=["school", "rule"],
                include=["id", "student", "period_start", "period_end", "digest"],
                condition=models.Q(status="open"),
                name="open_alerts_of_school",
            ),
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.student} ({self.episode})"

    @property
    def audit_school(self):
        return self.school

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Task(models.Model):
    """A dated duty opened by an alert (or by hand): who must do what by when."""

    class Kind(models.TextChoices):
        PHONE_PARENTS = "phone_parents", _("Позвонить родителям и выяснить причину")
        INVITE_PARENTS = "invite_parents", _("Пригласить родителей на профилактическую беседу")
        MEMO_TO_DIRECTOR = "memo_to_director", _("Докладная записка директору (заместителю)")
        INFORM_HOME_VISIT = "inform_home_visit", _("Сообщить родителям о посещении семьи")
        HOME_VISIT = "home_visit", _("Посетить семью, составить акт обследования ЖБУ")
        INFORM_DEPUTY = "inform_deputy", _("Сообщить заместителю директора (критерий №22)")
        PARENT_MEETING = (
            "parent_meeting",
            _("Встреча с родителями с участием заместителя / социального педагога"),
        )
        FAMILY_CENTRE_STATUS = (
            "family_centre_status",
            _("Отследить статус в семейном центре (подтверждён / не подтверждён)"),
        )
        PREVENTION_PLAN = (
            "prevention_plan",
            _("Разработать план индивидуальной профилактической работы"),
        )
        # Recurring at the interval of a setting (a week by default): named without it.
        PLAN_CONTROL = "plan_control", _("Контроль выполнения плана ИПР")
        FAMILY_CONTACT = "family_contact", _("Регулярная связь с семьёй")
        CASEWORK = "casework", _("Начать профилактическую работу по делу: причины пропусков, меры")
        COUNCIL_CANDIDATE = "council_candidate", _("Рассмотреть на Совете профилактики")
        OUTSIDE_NOTIFICATIONS = (
            "outside_notifications",
            _("Письменно информировать органы системы профилактики (УО, КДН и ЗП, полиция, опека)"),
        )
        CASE_NOTE = "case_note", _("Отметить в деле и в рапортичке")
        AFTER_VACATION_LIST = (
            "after_vacation_list",
            _("Включить в список не приступивших к учёбе после каникул"),
        )
        # Opened by casework (no alert): ``details`` says what exactly.
        AGREE_HOME_VISIT = "agree_home_visit", _("Согласовать посещение семьи")
        COUNCIL_ASSIGNMENT = "council_assignment", _("Поручение Совета профилактики")
        NOTIFY_ABSENT_PARENTS = (
            "notify_absent_parents",
            _("Оповестить родителей о решении Совета профилактики, принятом заочно"),
        )
        APPROVE_CONCLUSION = "approve_conclusion", _("Утвердить заключение Совета профилактики")
        REPEAT_HEARING = "repeat_hearing", _("Повторно рассмотреть на Совете профилактики")
        PLAN_MEASURE = "plan_measure", _("Выполнить просроченное мероприятие плана ИПР")
        SOP_NOTIFICATION = (
            "sop_notification",
            _("Незамедлительно проинформировать о семье в социально опасном положении"),
        )

    class Status(models.TextChoices):
        OPEN = "open", _("к выполнению")
        DONE = "done", _("выполнена")
        CANCELLED = "cancelled", _("отменена")

    # As the alert's (above): indexes by the composite ones, the school unchecked.
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # (school, status, due_date)
        db_constraint=False,
    )
    student = models.ForeignKey("schools.Student", on_delete=models.CASCADE, related_name="tasks")
    alert = models.ForeignKey(
        Alert,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        db_index=False,  # the unique (alert, kind, sequence) where alert is set
    )
    kind = models.CharField(_("задача"), max_length=32, choices=Kind.choices)
    # Which role must act; the assignee is resolved from it when the task is opened.
    assignee_role = models.CharField(_("роль исполнителя"), max_length=32)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("исполнитель"),
        db_index=False,  # (assignee, status, due_date)
    )
    due_date = models.DateField(_("срок"))
    # What exactly, when the kind alone does not say (a council's assignment, the body to
    # inform).
    details = models.CharField(_("подробности"), max_length=500, blank=True)
    # Recurring duties (weekly control) open their next instance when done.
    recurrence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Indexed only where set (Meta): an open task has neither, and a region's first
    # evaluation writes tasks by the hundred thousand.
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    note = models.CharField(_("отметка о выполнении"), max_length=500, blank=True)
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)
    # What was done: a parent contact, a home-visit act, a council session … (casework).
    result_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    result_id = models.CharField(max_length=64, blank=True)
    result = GenericForeignKey("result_type", "result_id")

    class Meta:
        verbose_name = _("задача")
        verbose_name_plural = _("задачи")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "kind", "sequence"],
                condition=Q(alert__isnull=False),
                name="one_task_instance_per_alert",
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_date"]),
            models.Index(fields=["school", "status", "due_date"]),
            models.Index(
                fields=["done_by"], condition=Q(done_by__isnull=False), name="task_done_by"
            ),
            models.Index(
                fields=["result_type"],
                condition=Q(result_type__isnull=False),
                name="task_result_type",
            ),
        ]

    def __str__(self):
        return _("%(kind)s: %(student)s до %(due_date)s") % {
            "kind": self.get_kind_display(),
            "student": self.student,
            "due_date": f"{self.due_date:%d.%m.%Y}",
        }

    @property
    def audit_school(self):
        return self.school

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.due_date < today


class Notification(models.Model):
    """The in-app inbox: one row per user and alert or task they must know about, or a
    message of a higher app (a report's deadline, ``reporting.reminders``) that names the
    page it leads to in ``link`` and keeps its own record of what it sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # (user, read_at)
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=500)
    # The page of a message about neither an alert nor a task (a path of this site).
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One per user and alert or task; messages without either are the sender's to
            # count (a user gets many reminders about reports).
            models.UniqueConstraint(
                fields=["user", "alert", "task"],
                condition=Q(alert__isnull=False) | Q(task__isnull=False),
                name="one_notification",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text


class PendingEvaluation(models.Model):
    """Students whose attendance changed since the last incremental evaluation.

    Rows coalesce bursts: marking 30 students of a lesson queues one evaluation.
    """

    student = models.OneToOneField("schools.Student", on_delete=models.CASCADE, primary_key=True)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.student_id} @ {self.requested_at}"


class EvaluationRun(models.Model):
    """A full evaluation (nightly or on demand) and its progress, shown to the deputy."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("выполняется")
        DONE = "done", _("завершена")
        FAILED = "failed", _("ошибка")

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_status_display()} {self.progress}%"


class ClassDay(models.Model):
    """A school day of a class: the day has scheduled lessons (whole-class and group ones).

    Derived data, written only by database triggers on the lessons (``alerts.facts``), so
    it is up to date in every transaction that changes the timetable; the threshold engine
    reads it instead of grouping every lesson of a region on each run."""

    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    date = models.DateField()
    school = models.ForeignKey(
        "schools.School", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    whole = models.PositiveSmallIntegerField()  # scheduled whole-class lessons
    grouped = models.PositiveSmallIntegerField()  # scheduled lessons of the class's groups
    # The day's number among the class's school days in date order: a streak counts
    # consecutive numbers (weekends, holidays, vacations have no class day).
    day_no = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "date"], name="one_class_day"),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self):
        return f"{self.school_class_id} {self.date:%d.%m.%Y}"


class StudentDay(models.Model):
    """A student's day in a class on which marks count (R-J-2): absences by reason status,
    late arrivals, and the student's scheduled lessons that day (whole-class lessons and
    those of the student's groups). A day without marks is an attended day and has no row.

    Derived data, written only by database triggers on marks, lessons, group memberships
    and enrollments (``alerts.facts``)."""

    student = models.ForeignKey(
        "schools.Student", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    date = models.DateField()
    school = models.ForeignKey(
        "schools.School", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    valid = models.PositiveSmallIntegerField()
    invalid = models.PositiveSmallIntegerField()
    unknown = models.PositiveSmallIntegerField()
    late = models.PositiveSmallIntegerField()
    lessons = models.PositiveSmallIntegerField()
    day_no = models.PositiveIntegerField(default=0)  # of its class day

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "date", "school_class"], name="one_student_day"
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "date"]),
            models.Index(fields=["school", "date"]),
        ]

    def __str__(self):
        return f"{self.student_id} {self.date:%d.%m.%Y}"


class UnmarkedLessonReminder(models.Model):
    """The one reminder a lesson's teacher gets when its attendance is still not taken
    ``journal.unmarked_reminder_minutes`` after it ended (seed 002 §3.4, issue #15): the row
    is the claim, so a run repeated, or two at once, sends nothing more
    (``alerts.unmarked``)."""

    lesson = models.OneToOneField("journal.Lesson", on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("напоминание о неотмеченном уроке")
        verbose_name_plural = _("напоминания о неотмеченных уроках")

    def __str__(self):
        return f"{self.lesson_id} → {self.teacher_id}"


class UnmarkedLessonsDigest(models.Model):
    """The evening list of a school's lessons still not marked that day, sent to its
    deputies once per school and day (``journal.unmarked_digest_time``)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    lessons = models.JSONField(default=list)  # the ids of the lessons on the list
    recipients = models.JSONField(default=list)  # the ids of the users it was sent to
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("вечерний список неотмеченных уроков")
        verbose_name_plural = _("вечерние списки неотмеченных уроков")
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="one_unmarked_digest_a_day")
        ]

    def __str__(self):
        return f"{self.school_id} {self.date}"
