"""Back up the database and the private uploads into one archive (attendance_portal.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from attendance_portal.backup import BackupError, create_backup, summary


class Command(BaseCommand):
    help = _(
        "Сохраняет базу данных и загруженные файлы в один архив tar (восстановление: "
        "manage.py restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help=_("файл архива или каталог для него (по умолчанию var/backups/)"),
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            directory = settings.BASE_DIR / "var" / "backups"
            directory.mkdir(parents=True, exist_ok=True)
            output = directory
        try:
            manifest = create_backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(_("Ошибка базы данных: %(error)s") % {"error": error}) from None
        figures = summary(manifest)
        self.stdout.write(
            _(
                "Резервная копия записана в %(path)s: таблиц — %(tables)d, строк — %(rows)d "
                "(отметок — %(marks)d, документов об уважительной причине — %(excuses)d, "
                "записей аудита — %(audit)d), файлов — %(files)d (%(megabytes)s МБ)."
            )
            % {"path": manifest["path"], **figures}
        )
