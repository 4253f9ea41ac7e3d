import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.alerts.conftest import World

MSK = ZoneInfo("Europe/Moscow")
# The day the tests run on: after the lessons the exports name (2025/2026 calendar).
TODAY = datetime.datetime(2025, 12, 20, 10, 0, tzinfo=MSK)
HEADER = ("Дата", "Урок", "Класс", "Предмет", "Обучающийся", "Отметка")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: TODAY)


@pytest.fixture
def world(db):
    return World()


def class_name(world) -> str:
    return f"{world.school_class.grade}{world.school_class.letter}"


def row(world, day, period, letter, *, student=None, subject="Математика", cls=None):
    student = student or world.student
    return (
        f"{day:%d.%m.%Y}",
        str(period),
        cls or class_name(world),
        subject,
        student.full_name,
        letter,
    )


def csv_export(rows, *, header=HEADER, encoding="utf-8", name="export.csv", sep=";", above=()):
    lines = [*above, sep.join(header), *(sep.join(r) for r in rows)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding), "text/csv")
