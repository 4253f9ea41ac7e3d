from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The school administrator's and the director's pages (R-A, issue #15): classes,
    staff and roles, subjects; and the municipal specialist's appointments of the schools'
    leadership. Pages only: every change goes through the services of the app that owns
    the data (``schools.services_classes``, ``schools.services_subjects``,
    ``accounts.services``, ``accounts.services_staff``)."""

    name = "administration"
    verbose_name = _("Администрирование")
