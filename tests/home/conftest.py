# The named users of every role, shared with the accounts tests.
from tests.accounts.conftest import world  # noqa: F401
