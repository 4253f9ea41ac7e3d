"""The council objects of one school side for the URL × role matrix (tests/accounts/world.py)."""


def build(world, side, case) -> dict:
    """Objects keyed by name, reachable in the matrix as ``w.a.cw["name"]``. ``world.users``
    are school A's staff by role; side B has only its class and subject teacher (make more
    with tests.factories.staff_user when needed)."""
    return {}
