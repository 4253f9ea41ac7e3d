from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Invented data for trying the product (``manage.py seed_demo``, ``demo_logins``).

    It sits above every other app and creates its data through their models and services."""

    name = "demo"
    verbose_name = _("Демонстрационные данные")
