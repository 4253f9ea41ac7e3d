"""Who keeps the messages to parents: the school's administrator, director and deputy
(the template, the log, a guardian's refusal told to the school). Object: a ``School``."""

import rules

from accounts.roles import Role
from accounts.rules import has_school_role

rules.add_perm(
    "notify.manage_messages",
    has_school_role(Role.SCHOOL_ADMIN, Role.DIRECTOR, Role.DEPUTY),
)
