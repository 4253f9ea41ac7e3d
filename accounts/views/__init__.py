from .auth import LoginView, LogoutView, PasswordChangeDoneView, PasswordChangeView
from .home import home, start_page

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeDoneView",
    "PasswordChangeView",
    "home",
    "start_page",
]
