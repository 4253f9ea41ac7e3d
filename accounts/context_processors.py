from .selectors import roles_of


def roles(request):
    """Expose the user's role codes to templates (navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": roles_of(user)}
