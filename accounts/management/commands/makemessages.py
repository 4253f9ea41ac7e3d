"""``makemessages`` for this project: ``manage.py makemessages -l en`` needs no flags.

The source language is Russian; ``locale/en/LC_MESSAGES/django.po`` holds the English.
Only the project's code is searched (not the tests, the embedded database in ``var/`` or the
browser tests' ``node_modules/``), references name the file without a line number so that
moving code does not rewrite the whole catalogue, and strings that left the code are dropped.
``tests/test_language.py`` runs this command and fails on a missing or fuzzy translation.
"""

from django.core.management.commands import makemessages

IGNORED = ["node_modules", "var", "tests", "staticfiles", "bench"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        if options.get("add_location") is None:
            options["add_location"] = "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)
