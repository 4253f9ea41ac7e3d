from .roles import LANDING_ORDER
from .selectors import roles_of


def roles(request):
    """The user's role codes and, for the role switcher, their roles in landing order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "user_role_choices": []}
    held = roles_of(user)
    session = getattr(request, "session", None)
    return {
        "user_roles": held,
        "user_role_choices": [(role.value, role.label) for role in LANDING_ORDER if role in held],
        "active_role": session.get("active_role") if session is not None else None,
    }
