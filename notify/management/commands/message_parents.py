"""Message the parents of children absent without a reason today, as the evening task does.

    manage.py message_parents            # the schools whose time has come (Celery beat's run)
    manage.py message_parents --now      # every school at once, whatever its time
    manage.py message_parents --school 3 --now

Running it again sends nothing twice: one message per child per day.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notify import services
from schools.models import School


class Command(BaseCommand):
    help = "Сообщить родителям о сегодняшних пропусках без указанной причины."

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, help="id школы")
        parser.add_argument(
            "--now", action="store_true", help="не ждать часа, заданного в настройках школы"
        )

    def handle(self, *args, school=None, now=False, **options):
        if not now:
            if school is not None:
                raise CommandError("--school работает вместе с --now.")
            result = services.run_due()
        else:
            today = timezone.localdate()
            schools = School.objects.all() if school is None else School.objects.filter(pk=school)
            if school is not None and not schools.exists():
                raise CommandError(f"Школа {school} не найдена.")
            result = services.RunResult()
            for item in schools:
                partial = services.send_for_school(item, today)
                result.schools += 1
                result.notices += partial.notices
                result.sent += partial.sent
                result.failed += partial.failed
        self.stdout.write(
            f"школ: {result.schools}, детей: {result.notices}, "
            f"отправлено: {result.sent}, не отправлено: {result.failed}"
        )
