"""Settings as a fresh checkout gets them (no environment but a database URL)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def base_settings(*names: str, **env) -> dict:
    """Values of attendance_portal.settings.base in a clean interpreter."""
    script = (
        "import json, attendance_portal.settings.base as s; "
        f"print(json.dumps({{n: str(getattr(s, n)) for n in {list(names)!r}}}))"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_DEBUG": "1",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_demo_mail_goes_to_files_not_into_the_console():
    """The demo's start-up printed raw MIME letters between its own messages."""
    values = base_settings("EMAIL_BACKEND", "EMAIL_FILE_PATH")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == str(ROOT / "var" / "mail")


def test_a_database_url_overrides_the_embedded_postgresql():
    values = base_settings("DATABASES")
    assert "'HOST': '127.0.0.1'" in values["DATABASES"]
    assert "pgdata" not in values["DATABASES"]
