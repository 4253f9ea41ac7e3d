"""Rules and recurring task kinds are named by what they mean, not by numbers a region or a
school may change in its settings (T3 → streak_invite, weekly_control → plan_control …).

The stored codes are rewritten both ways. Nothing else stores them: the evidence holds
dates and counts, the settings keys already name the meaning (``thresholds.*``), audit
entries and the beat schedule do not name rules, and a notification's text was rendered
when it was sent.
"""

from django.db import migrations, models

RULES = {
    "T0": "unknown_reason",
    "T3": "streak_invite",
    "T3M": "streak_memo",
    "T5": "streak_home_visit",
    "T10": "criterion_22",
    "TH1": "systematic_absence",
    "TH2": "long_absence",
    "T30M": "instructional_time_month",
    "T30Q": "instructional_time_term",
    "TW": "week_missed",
    "TL": "systematic_lateness",
    "TV": "not_back_after_vacation",
}
TASK_KINDS = {
    "weekly_control": "plan_control",
    "weekly_family_contact": "family_contact",
}


def _rewrite(apps, rules: dict[str, str], kinds: dict[str, str]) -> None:
    Alert = apps.get_model("alerts", "Alert")
    Task = apps.get_model("alerts", "Task")
    for old, new in rules.items():
        Alert.objects.filter(rule=old).update(rule=new)
    for old, new in kinds.items():
        Task.objects.filter(kind=old).update(kind=new)


def forwards(apps, schema_editor):
    _rewrite(apps, RULES, TASK_KINDS)


def backwards(apps, schema_editor):
    _rewrite(
        apps,
        {new: old for old, new in RULES.items()},
        {new: old for old, new in TASK_KINDS.items()},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0006_open_alerts_index"),
    ]

    operations = [
        # Wide enough for the new codes before they are written; narrowed again (to the
        # old codes' 8) only after a reverse rewrite.
        migrations.AlterField(
            model_name="alert",
            name="rule",
            field=models.CharField(max_length=32, verbose_name="правило"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.AlterField(
            model_name="alert",
            name="rule",
            field=models.CharField(
                choices=[
                    ("unknown_reason", "Причина пропуска не установлена к концу дня"),
                    (
                        "streak_invite",
                        "Пропуск учебных дней подряд без уважительной причины: "
                        "вызов родителей на беседу",
                    ),
                    (
                        "streak_memo",
                        "Пропуск учебных дней подряд без уважительной причины: "
                        "докладная записка директору",
                    ),
                    (
                        "streak_home_visit",
                        "Пропуск учебных дней подряд без уважительной причины: посещение семьи",
                    ),
                    (
                        "criterion_22",
                        "Длительное отсутствие на всех уроках без установленной причины "
                        "(критерий №22)",
                    ),
                    ("systematic_absence", "Систематические пропуски за месяц"),
                    ("long_absence", "Длительные пропуски за месяц"),
                    (
                        "instructional_time_month",
                        "Пропущена пороговая доля учебного времени за месяц",
                    ),
                    (
                        "instructional_time_term",
                        "Пропущена пороговая доля учебного времени за четверть (триместр)",
                    ),
                    ("week_missed", "Пропуск учебной недели"),
                    ("systematic_lateness", "Систематические опоздания"),
                    ("not_back_after_vacation", "Не приступил к учёбе после каникул"),
                ],
                max_length=32,
                verbose_name="правило",
            ),
        ),
        migrations.AlterField(
            model_name="task",
            name="kind",
            field=models.CharField(
                choices=[
                    ("phone_parents", "Позвонить родителям и выяснить причину"),
                    ("invite_parents", "Пригласить родителей на профилактическую беседу"),
                    ("memo_to_director", "Докладная записка директору (заместителю)"),
                    ("inform_home_visit", "Сообщить родителям о посещении семьи"),
                    ("home_visit", "Посетить семью, составить акт обследования ЖБУ"),
                    ("inform_deputy", "Сообщить заместителю директора (критерий №22)"),
                    (
                        "parent_meeting",
                        "Встреча с родителями с участием заместителя / социального педагога",
                    ),
                    (
                        "family_centre_status",
                        "Отследить статус в семейном центре (подтверждён / не подтверждён)",
                    ),
                    (
                        "prevention_plan",
                        "Разработать план индивидуальной профилактической работы",
                    ),
                    ("plan_control", "Контроль выполнения плана ИПР"),
                    ("family_contact", "Регулярная связь с семьёй"),
                    (
                        "casework",
                        "Начать профилактическую работу по делу: причины пропусков, меры",
                    ),
                    ("council_candidate", "Рассмотреть на Совете профилактики"),
                    (
                        "outside_notifications",
                        "Письменно информировать органы системы профилактики "
                        "(УО, КДН и ЗП, полиция, опека)",
                    ),
                    ("case_note", "Отметить в деле и в рапортичке"),
                    (
                        "after_vacation_list",
                        "Включить в список не приступивших к учёбе после каникул",
                    ),
                ],
                max_length=32,
                verbose_name="задача",
            ),
        ),
    ]
