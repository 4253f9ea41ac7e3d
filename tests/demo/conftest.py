"""The small demo, seeded once for the whole package (tests/demo/) and rolled back after."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The small demo seeded once for the package (seconds); rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", "--small", "--today", TODAY.isoformat(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
