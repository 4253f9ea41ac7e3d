from .auth import LoginView, LogoutView, PasswordChangeDoneView, PasswordChangeView

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeDoneView",
    "PasswordChangeView",
]
