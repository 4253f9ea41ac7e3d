"""The wording of the message: the defaults, a school's template, and the placeholders."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Placeholder → what it stands for (shown on the template page).
PLACEHOLDERS = {
    "ученик": gettext_lazy("имя ребёнка"),
    "дата": gettext_lazy("день пропуска, ДД.ММ.ГГГГ"),
    "уроков": gettext_lazy("сколько уроков пропущено без указанной причины"),
    "школа": gettext_lazy("краткое название школы"),
    "ссылка": gettext_lazy("ссылка, по которой родитель сообщает причину"),
}
REQUIRED = ("ссылка",)
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,30})\}")

DEFAULT_SUBJECT = gettext_lazy("Пропуск уроков: {ученик}, {дата}")
DEFAULT_EMAIL = gettext_lazy(
    "Здравствуйте!\n\n"
    "{дата} {ученик} не был(а) на уроках (пропущено уроков: {уроков}), и школе не известна "
    "причина.\n\n"
    "Пожалуйста, сообщите причину классному руководителю по ссылке — входить в систему "
    "не нужно, ссылка действует 7 дней:\n{ссылка}\n\n"
    "По этой же ссылке можно заранее предупредить, что ребёнок не придёт.\n\n"
    "{школа}"
)
DEFAULT_SMS = gettext_lazy(
    "{школа}: {ученик} {дата} пропустил(а) уроки, причина не известна. Сообщите её: {ссылка}"
)


@dataclass(frozen=True)
class Wording:
    email_subject: str
    email_body: str
    sms_body: str


def wording_for(school) -> Wording:
    """The school's template, else the defaults."""
    template = getattr(school, "message_template", None)
    if template is not None:
        return Wording(template.email_subject, template.email_body, template.sms_body)
    return Wording(str(DEFAULT_SUBJECT), str(DEFAULT_EMAIL), str(DEFAULT_SMS))


def check_template(text: str, *, require_link: bool = True) -> None:
    """ValidationError for a placeholder we do not know, or a missing link."""
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Неизвестная подстановка: %(names)s. Доступны: %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )
    if require_link and "{ссылка}" not in text:
        raise ValidationError(
            _("В тексте должна быть подстановка {ссылка}: по ней родитель сообщает причину."),
            code="no_link",
        )


def render(text: str, values: dict[str, str]) -> str:
    """Put the values in; text the school wrote is never evaluated as a template."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)
