"""Seed 002 §2.12's monthly hour bands exclude each other: a month in the long band is long,
not also systematic. Until now both alerts of such a month stayed open. The evaluation
revisits a month only when its hours change, so the pairs already open are settled here
the way it now settles a month rising into the long band (alerts.services._hand_over): the
systematic alert is resolved, saying why, and its open tasks that the long alert opens
too (the social pedagogue's casework) pass to the long alert with their due dates.
"""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

SYSTEMATIC, LONG = "systematic_absence", "long_absence"
# The kinds the long alert opens (alerts.thresholds.TASKS at this migration).
LONG_KINDS = {"casework", "council_candidate"}
# alerts.services.BAND_LEFT[LONG_ABSENCE]: tasks cancelled with it reopen with their alert.
RESOLUTION = (
    "Сигнал снят: пропуски за месяц достигли порога длительных пропусков; работа "
    "продолжается по сигналу «Длительные пропуски за месяц»."
)


def resolve_systematic_alerts_of_long_months(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    Task = apps.get_model("alerts", "Task")
    long_alerts = dict(
        ((student_id, episode), pk)
        for pk, student_id, episode in Alert.objects.filter(rule=LONG, status="open").values_list(
            "pk", "student_id", "episode"
        )
    )
    now = timezone.now()
    for alert in Alert.objects.filter(rule=SYSTEMATIC, status="open"):
        target = long_alerts.get((alert.student_id, alert.episode))
        if target is None:
            continue
        for task in Task.objects.filter(alert_id=alert.pk, status="open"):
            same_kind = Task.objects.filter(alert_id=target, kind=task.kind)
            if task.kind in LONG_KINDS and not same_kind.exclude(status="cancelled").exists():
                last = same_kind.aggregate(last=Max("sequence"))["last"] or 0
                task.alert_id, task.sequence = target, last + 1
                task.save(update_fields=["alert", "sequence"])
            else:
                task.status, task.cancel_reason = "cancelled", RESOLUTION
                task.save(update_fields=["status", "cancel_reason"])
        alert.status, alert.resolved_at, alert.resolution = "resolved", now, RESOLUTION
        alert.save(update_fields=["status", "resolved_at", "resolution"])


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0008_task_details_alter_task_kind"),
    ]

    operations = [
        migrations.RunPython(resolve_systematic_alerts_of_long_months, migrations.RunPython.noop),
    ]
