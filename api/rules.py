"""Who may make which API tokens (docs/api.md). What a token may then do is decided by the
apps' own permissions, asked for its user, exactly as on the pages."""

import rules

from accounts.roles import OVERSEER_ROLES
from accounts.rules import has_school_role, is_superuser

# Any signed-in user keeps their own personal tokens (a page without an object).
rules.add_perm("api.keep_personal_tokens", rules.is_authenticated)
# On a School: its integration tokens are made and revoked by its director or deputy (the
# deputy is the one the journal lets mark any lesson, which an e-journal feed needs).
rules.add_perm("api.manage_integration_tokens", is_superuser | has_school_role(*OVERSEER_ROLES))
