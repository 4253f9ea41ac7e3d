"""Load the shipped Russian production calendar (journal/data/production_calendar_ru.json)."""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "production_calendar_ru.json"


def load(apps, schema_editor):
    PublicCalendarDay = apps.get_model("journal", "PublicCalendarDay")
    if not DATA_FILE.exists():
        return
    for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["days"]:
        PublicCalendarDay.objects.update_or_create(
            date=row["date"],
            region=None,
            defaults={
                "kind": row["kind"],
                "name": row.get("name", ""),
                "timetable_weekday": row.get("timetable_weekday"),
            },
        )


def unload(apps, schema_editor):
    apps.get_model("journal", "PublicCalendarDay").objects.filter(region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
