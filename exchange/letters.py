"""The e-journal's letters and what they mean in the app by default.

Regional e-journals mark a lesson's absence with a letter: «Н» (не был), «ОП» (опоздал),
«УП» (уважительная причина), «Б» (болел) … The letters differ between systems («П» is a
valid-reason absence in «Дневник.ру» but a truancy in some school journals), so each
school keeps its own mapping; these are the defaults a school starts with. An absence
whose letter names no reason keeps the reason unknown (R-J-2): the class teacher settles
it, and the counts treat it as without a valid reason meanwhile.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from journal.models import ReasonStatus, ValidReason

from .models import LetterMeaning

# letter → (meaning, reason status, kind of valid reason, what the e-journal means by it)
DEFAULT_LETTERS = {
    "Н": (
        LetterMeaning.ABSENT,
        ReasonStatus.UNKNOWN,
        "",
        _("не был на уроке, причина не указана"),
    ),
    "ОП": (LetterMeaning.LATE, ReasonStatus.UNKNOWN, "", _("опоздание")),
    "УП": (
        LetterMeaning.ABSENT,
        ReasonStatus.VALID,
        ValidReason.CLASS_TEACHER_AGREED,
        _("пропуск по уважительной причине"),
    ),
    "П": (
        LetterMeaning.ABSENT,
        ReasonStatus.VALID,
        ValidReason.CLASS_TEACHER_AGREED,
        _("пропуск по уважительной причине («Дневник.ру»)"),
    ),
    "Б": (LetterMeaning.ABSENT, ReasonStatus.VALID, ValidReason.ILLNESS, _("болезнь")),
    "НП": (
        LetterMeaning.ABSENT,
        ReasonStatus.INVALID,
        "",
        _("пропуск без уважительной причины"),
    ),
    "ПР": (LetterMeaning.ABSENT, ReasonStatus.INVALID, "", _("прогул")),
}

# Latin letters that look like Cyrillic ones: an export typed on an English keyboard.
LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")
MAX_LETTER = 8
LETTER = re.compile(r"[А-Я]{1,8}")


def normalise_letter(value) -> str:
    """«н», «Н », «H» (Latin) → «Н»; «ё» as «е»; no spaces or dots."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = re.sub(r"[\s.]", "", text).upper().translate(LOOKALIKES).replace("Ё", "Е")
    return text


def is_letter(value: str) -> bool:
    return bool(LETTER.fullmatch(value))
