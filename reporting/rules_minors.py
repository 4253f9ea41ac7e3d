"""Who keeps the minors the weekly report names that the journal does not know
(:class:`~reporting.models.TrackedMinor`): the deputy director who prepares the report, the
director who approves it and the social pedagogue who follows these children (spec §1,
seed 002 App. 2). Officials above the school read them only in the approved reports."""

import rules

from accounts.roles import WHOLE_SCHOOL_ROLES
from accounts.rules import has_school_role, holds_school_role, is_superuser

MINOR_KEEPERS = tuple(sorted(WHOLE_SCHOOL_ROLES))

# A tracked minor (or a school): add, change, remove from the register.
rules.add_perm("reporting.manage_tracked_minors", is_superuser | has_school_role(*MINOR_KEEPERS))
# The list page, without an object: the user keeps them in some school.
rules.add_perm("reporting.open_tracked_minors", is_superuser | holds_school_role(*MINOR_KEEPERS))
