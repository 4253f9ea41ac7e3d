"""Print the demo logins created by ``manage.py seed_demo``: one per role, one password."""

from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.roles import Role
from demo.generators import DEMO_LOGINS, DEMO_LOGINS_SCHOOL_2, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the URL and one demo login per role (only users that exist)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Address of the site.")

    def handle(self, *args, url, **options):
        wanted = [username for username, _role in DEMO_LOGINS + DEMO_LOGINS_SCHOOL_2]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=wanted, is_active=True).prefetch_related(
                "role_assignments__school",
                "role_assignments__municipality",
                "role_assignments__region",
                "homeroom_classes",
            )
        }
        if not users:
            self.stdout.write("Демо-пользователей нет: сначала выполните manage.py seed_demo.")
            return

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Адрес: {url}"))
        self.stdout.write(f"Пароль всех демо-пользователей: {DEMO_PASSWORD}")
        self.stdout.write("")
        rows = [
            (
                username,
                str(Role(role).label),
                users[username].full_name,
                _scope(users[username], role),
            )
            for username, role in DEMO_LOGINS
            if username in users
        ]
        self._table(("Логин", "Роль", "ФИО", "Где"), rows)
        second = [username for username, _role in DEMO_LOGINS_SCHOOL_2 if username in users]
        if second:
            self.stdout.write("")
            self.stdout.write(
                "Те же роли во второй школе (данные первой им не видны): " + ", ".join(second)
            )
        self.stdout.write("")

    def _table(self, header, rows) -> None:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, ["-" * w for w in widths], *rows]:
            cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())


def _scope(user: User, role: str) -> str:
    for assignment in user.role_assignments.all():
        if assignment.role != role:
            continue
        scope = str(assignment.school or assignment.municipality or assignment.region)
        if role == Role.CLASS_TEACHER:
            classes = ", ".join(str(c) for c in user.homeroom_classes.all())
            scope = f"{scope}, {classes}" if classes else scope
        return scope
    return ""
