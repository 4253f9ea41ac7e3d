from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Data exchange with the regional e-journal (issue #15 point 4): a school's per-lesson
    absence export becomes marks through the journal's services, with the school's mapping
    of the e-journal's letters to reasons; what disagrees with a mark made in the app is
    kept as a conflict for the deputy (docs/ejournal-import.md)."""

    name = "exchange"
    verbose_name = _("Обмен с электронным журналом")
