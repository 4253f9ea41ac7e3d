from django.db import migrations

from alerts import facts


class Migration(migrations.Migration):
    """The fact triggers' functions take an advisory lock per (class, date) and (student,
    date) key before rewriting its rows, so two transactions changing one student's marks
    in two lessons of a day take turns instead of colliding on ``one_student_day``
    (``alerts.facts``). Only the functions are replaced: the triggers and the tables'
    rows stay. The reverse restores the functions without the locks."""

    dependencies = [
        ("alerts", "0010_notification_link"),
    ]

    operations = [
        migrations.RunSQL(facts.functions(), reverse_sql=facts.functions(locking=False)),
    ]
