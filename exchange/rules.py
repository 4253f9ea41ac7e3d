"""Who works with the regional e-journal's exports (issue #15 point 4).

The deputy imports exports and settles conflicts: marks are set in their name through the
journal's services, which they may set in any class, closed weeks included (journal/rules.py).
The director and the school administrator see the imports and conflicts and keep the
school's letters with the deputy. Objects: a ``School``, an ``EjournalImport`` or an
``EjournalRecord`` (each of one school).
"""

import rules

from accounts.roles import Role
from accounts.rules import has_school_role, holds_school_role, is_superuser

READER_ROLES = (Role.DEPUTY, Role.DIRECTOR, Role.SCHOOL_ADMIN)

is_deputy = has_school_role(Role.DEPUTY)
is_reader = has_school_role(*READER_ROLES)

rules.add_perm("exchange.view_ejournal", is_superuser | is_reader)
rules.add_perm("exchange.edit_letters", is_superuser | is_reader)
rules.add_perm("exchange.import_ejournal", is_superuser | is_deputy)
rules.add_perm("exchange.resolve_conflicts", is_superuser | is_deputy)
# The menu's link, without an object: the pages then scope to the user's schools.
rules.add_perm("exchange.open_ejournal", is_superuser | holds_school_role(*READER_ROLES))
