from django.core.management.base import BaseCommand, CommandError

from alerts import facts


class Command(BaseCommand):
    help = (
        "Compare the class days and student days the triggers keep (alerts.facts) with a "
        "fresh computation from the journal; --rebuild recomputes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute both tables")

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            facts.rebuild()
        differences = facts.discrepancies()
        self.stdout.write(", ".join(f"{table}: {n}" for table, n in differences.items()))
        if any(differences.values()):
            raise CommandError("The attendance facts differ from the journal; run --rebuild.")
