from django.core.management.base import BaseCommand, CommandError

from alerts import queue
from schools.models import School


class Command(BaseCommand):
    help = "Evaluate every threshold rule (spec §4) for one school or all schools."

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, help="school id; all schools when omitted")

    def handle(self, *args, school=None, **options):
        if school is not None and not School.objects.filter(pk=school).exists():
            raise CommandError(f"No school with id {school}.")
        totals = queue.run_full(school_ids=[school] if school else None)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in sorted(totals.items())))
