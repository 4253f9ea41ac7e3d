"""``manage.py backup`` and ``manage.py restore`` on the real PostgreSQL of the test command
(issue 14, point 6).

A school's marks, an excuse document with its scan, a casework memo and their audit entries
are backed up from the test database; the archive is restored by the documented command,
run as an operator would (a new process, ``DATABASE_URL`` and ``PRIVATE_MEDIA_ROOT`` naming
a new empty database on the same server and a new uploads directory), and every row of every
table and every file comes back unchanged. The audit log is guarded as append-only (a trigger
refusing UPDATE and DELETE, as the audit log's own): the restore loads its rows all the same
and the guard is in force afterwards. A database that already has tables, or uploads that
would be overwritten, are refused with nothing changed, unless the operator forces it.
"""

import contextlib
import datetime
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from psycopg2 import errors, sql

from audit.models import AuditEntry
from casework.models import Memo
from casework.services import create_memo, open_case
from journal.models import ExcuseDocument, Mark
from journal.services import register_excuse, set_mark
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

pytestmark = pytest.mark.django_db(transaction=True)

MON = datetime.date(2025, 10, 13)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GUARD = "test_backup_audit_append_only"


@contextlib.contextmanager
def _connect(dbname: str):
    """A cursor on another database of the test server, outside Django, in autocommit."""
    params = connection.settings_dict
    database = psycopg2.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname=dbname,
    )
    database.autocommit = True
    try:
        with database.cursor() as cursor:
            yield cursor
    finally:
        database.close()


@pytest.fixture
def new_database():
    """Makes empty databases on the test server; drops them afterwards."""
    names = []

    def make() -> str:
        name = f"restore_{uuid.uuid4().hex[:12]}"
        with _connect("postgres") as server:
            server.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(name)
                )
            )
        names.append(name)
        return name

    yield make
    with _connect("postgres") as server:
        for name in names:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def source_media(tmp_path, settings):
    root = tmp_path / "source-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def append_only_audit(transactional_db):
    """The audit log refuses UPDATE and DELETE, as the append-only trigger of point 4 does;
    removed before the test database is flushed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION {GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$;
            CREATE TRIGGER {GUARD} BEFORE UPDATE OR DELETE ON audit_auditentry
                FOR EACH ROW EXECUTE FUNCTION {GUARD}();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {GUARD} ON audit_auditentry; DROP FUNCTION {GUARD}();")


@pytest.fixture
def school_data(source_media, append_only_audit):
    """Marks, an excuse document with a scan and a casework memo, through the services that
    also write their audit entries."""
    school_class = factories.SchoolClassFactory()
    school = school_class.school
    student = factories.enrolled_student(school_class, last_name="Кузнецов")
    other = factories.enrolled_student(school_class, last_name="Ёлкина")
    teacher = class_teacher_for(school_class)
    lessons = [make_lesson(school_class, MON + datetime.timedelta(days=d)) for d in range(3)]
    for lesson in lessons:
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    set_mark(
        lesson=lessons[0],
        student_id=other.pk,
        kind="late",
        minutes_late=10,
        acting_user=lessons[0].teacher,
    )
    excuse = register_excuse(
        student=student,
        school=school,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        start_date=MON,
        end_date=MON + datetime.timedelta(days=2),
        acting_user=teacher,
        scan=SimpleUploadedFile("справка.pdf", PDF, content_type="application/pdf"),
        number="№ 17",
    )
    case = open_case(
        student_id=student.pk, school_id=school.pk, reason="Пропуски", responsible=[teacher.pk]
    )
    create_memo(
        case=case,
        date=timezone.localdate(),
        addressee="Директору школы",
        text="Обучающийся пропустил три дня без уважительной причины.",
        acting_user=teacher,
    )
    assert Mark.objects.count() == 4
    assert Memo.objects.count() == 1
    assert AuditEntry.objects.count() >= 5
    return excuse


def _backup(tmp_path) -> tuple:
    archive = tmp_path / "backup.tar"
    out = StringIO()
    call_command("backup", output=str(archive), stdout=out)
    return archive, out.getvalue()


def _restore(archive, database: str, media, *options) -> subprocess.CompletedProcess:
    """``manage.py restore`` in a process of its own, configured for the target database and
    uploads directory, with no standard input."""
    params = connection.settings_dict
    credentials = quote(params["USER"]) + (
        f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else ""
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_portal.settings.test",
        "DATABASE_URL": f"postgres://{credentials}@{params['HOST']}:{params['PORT']}/{database}",
        "PRIVATE_MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *options],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _contents(cursor) -> dict[str, list[str]]:
    """Every row of every table of the schema public, as text, in order."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    contents = {}
    for table in tables:
        cursor.execute(f'SELECT t::text FROM "{table}" t ORDER BY 1')
        contents[table] = [row for (row,) in cursor.fetchall()]
    return contents


def _without_restore_entry(contents: dict) -> dict:
    return {
        **contents,
        "audit_auditentry": [
            row for row in contents["audit_auditentry"] if "system.restore" not in row
        ],
    }


def _triggers(cursor) -> set:
    cursor.execute(
        "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal"
    )
    return set(cursor.fetchall())


def _files(root) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_restore_into_an_empty_database_brings_back_every_row_and_file(
    school_data, tmp_path, source_media, new_database
):
    excuse = school_data
    archive, output = _backup(tmp_path)
    assert "Резервная копия записана" in output
    assert "отметок — 4" in output
    with tarfile.open(archive) as members:
        names = members.getnames()
    assert {"database.dump", "manifest.json", f"private/{excuse.scan.name}"} <= set(names)

    target, media = new_database(), tmp_path / "restored-media"
    result = _restore(archive, target, media, "--yes")

    assert result.returncode == 0, result.stderr
    assert "отметок — 4" in result.stdout
    assert "совпали с архивом" in result.stdout
    with connection.cursor() as cursor:
        source, source_triggers = _contents(cursor), _triggers(cursor)
    with _connect(target) as cursor:
        copy, copy_triggers = _contents(cursor), _triggers(cursor)
        cursor.execute("SELECT action FROM audit_auditentry ORDER BY id DESC LIMIT 1")
        last_action = cursor.fetchone()[0]
        # The append-only guard came back in force: an entry cannot be altered.
        with pytest.raises(errors.RaiseException, match="append-only"):
            cursor.execute("UPDATE audit_auditentry SET action = 'x'")

    # Every mark, document, audit entry and every other row, unchanged; the audit log has
    # one entry more: the restore's own (and the backup's is in both).
    assert set(copy) == set(source)
    assert last_action == "system.restore"
    restored_audit = [row for row in copy.pop("audit_auditentry") if "system.restore" not in row]
    assert restored_audit == source.pop("audit_auditentry")
    assert any("system.backup" in row for row in restored_audit)
    assert copy == source
    for table in ("journal_mark", "journal_excusedocument", "casework_memo"):
        assert copy[table]
    assert copy_triggers == source_triggers
    # The scan, byte for byte, under the name its row gives.
    assert _files(media) == _files(source_media) == {excuse.scan.name: PDF}


def test_restore_refuses_what_it_would_overwrite_and_changes_nothing(
    school_data, tmp_path, source_media, new_database
):
    archive, _output = _backup(tmp_path)
    with connection.cursor() as cursor:
        source = _contents(cursor)
    files = _files(source_media)

    # Into a database with tables: the test database itself.
    refused = _restore(archive, connection.settings_dict["NAME"], tmp_path / "other", "--yes")
    assert refused.returncode != 0
    assert "не пуста" in refused.stderr
    assert "Traceback" not in refused.stderr
    # Uploads that would be overwritten, into an empty database.
    empty = new_database()
    clash = _restore(archive, empty, source_media, "--yes")
    assert clash.returncode != 0
    assert "Файлы уже есть" in clash.stderr
    # No confirmation: nothing is asked, the operator is told to add --yes.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))

    with connection.cursor() as cursor:
        assert _contents(cursor) == source
    with _connect(empty) as cursor:
        assert _contents(cursor) == {}
    assert _files(source_media) == files
    assert not (tmp_path / "other").exists()

    # --force drops the database's tables first and overwrites files of the same name.
    with _connect(empty) as cursor:
        cursor.execute("CREATE TABLE leftover (id int)")
    media = tmp_path / "media"
    scan = media / school_data.scan.name
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"not the scan")
    (media / "unrelated.txt").write_bytes(b"kept")
    forced = _restore(archive, empty, media, "--yes", "--force")
    assert forced.returncode == 0, forced.stderr
    with _connect(empty) as cursor:
        restored = _contents(cursor)
    assert "leftover" not in restored
    assert _without_restore_entry(restored) == source
    assert _files(media) == {**files, "unrelated.txt": b"kept"}


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    school_data, tmp_path, new_database
):
    archive, _output = _backup(tmp_path)
    with tarfile.open(archive) as members:
        start = members.getmember("database.dump").offset_data
    data = bytearray(archive.read_bytes())
    data[start + 100] ^= 0xFF  # a byte inside the dump
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    target = new_database()

    result = _restore(damaged, target, tmp_path / "media", "--yes")

    assert result.returncode != 0
    assert "Контрольная сумма файла database.dump не совпадает" in result.stderr
    with _connect(target) as cursor:
        assert _contents(cursor) == {}


@pytest.fixture
def other_major_tools(tmp_path, settings):
    """PG_BIN_DIR naming pg_dump and pg_restore of PostgreSQL 15 (scripts answering as they
    would)."""
    directory = tmp_path / "pg15"
    directory.mkdir()
    for program in ("pg_dump", "pg_restore"):
        script = directory / program
        script.write_text(f"#!/bin/sh\necho '{program} (PostgreSQL) 15.18'\n")
        script.chmod(0o755)
    settings.PG_BIN_DIR = str(directory)
    return directory


def test_tools_of_another_major_version_are_refused(school_data, tmp_path, other_major_tools):
    entries = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="pg_dump и pg_restore версии PostgreSQL 18") as error:
        call_command("backup", output=str(tmp_path))

    assert "(15.18)" in str(error.value)
    assert "PG_BIN_DIR" in str(error.value)
    assert list(tmp_path.glob("*.tar*")) == []
    assert AuditEntry.objects.count() == entries
