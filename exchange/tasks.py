"""Background steps of the e-journal imports. Without a broker they run in-process
(``CELERY_TASK_ALWAYS_EAGER``), with one on a worker; either way the import's page polls
its progress."""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from . import services
from .models import EjournalImport

logger = logging.getLogger(__name__)


def _run_safely(import_id: int, step) -> None:
    ejournal_import = EjournalImport.objects.select_related(
        "school", "uploaded_by", "applied_by"
    ).get(pk=import_id)
    try:
        step(ejournal_import)
    except services.ExchangeError:
        pass  # the import is checked again with the report of what failed
    except Exception:
        logger.exception("E-journal import %s failed", import_id)
        services.fail(
            ejournal_import,
            _("Ничего не изменено: при обработке файла произошла ошибка. Загрузите его ещё раз."),
        )


@shared_task(ignore_result=True)
def check_ejournal(import_id: int) -> None:
    _run_safely(import_id, services.check_upload)


@shared_task(ignore_result=True)
def apply_ejournal(import_id: int) -> None:
    _run_safely(import_id, services.apply_started)
