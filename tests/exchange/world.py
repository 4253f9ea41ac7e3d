"""E-journal objects of one school side of the shared world (tests/accounts/world.py
calls :func:`build_exchange`): ``side.ex["import"]``, ``side.ex["conflict"]``."""

from exchange.models import EjournalImport, EjournalRecord, LetterMeaning
from journal.models import ReasonStatus
from journal.services.marks import snapshot


def build_exchange(world, side) -> dict:
    row = {
        "row": 2,
        "date": f"{side.lesson.date}",
        "period": 1,
        "school_class": "5А",
        "subject": "Математика",
        "student": side.student.full_name,
        "letter": "ОП",
        "minutes": None,
        "shown": {"date": f"{side.lesson.date:%d.%m.%Y}", "letter": "ОП"},
        "errors": [],
    }
    checked = EjournalImport.objects.create(
        school=side.school,
        file_name="export.csv",
        sha256="0" * 64,
        rows=[row],
        report=[{"row": 2, "cells": row["shown"], "outcome": "conflict", "text": "", "note": ""}],
        counts={"conflict": 1},
        status=EjournalImport.Status.CHECKED,
        total=1,
        done=1,
    )
    # The e-journal says late where the subject teacher marked an absence.
    conflict = EjournalRecord.objects.create(
        school=side.school,
        lesson=side.lesson,
        student=side.student,
        letter="ОП",
        meaning=LetterMeaning.LATE,
        reason_status=ReasonStatus.UNKNOWN,
        state=EjournalRecord.State.CONFLICT,
        app_mark=snapshot(side.mark),
        source=checked,
        source_row=2,
    )
    return {"import": checked, "conflict": conflict}
