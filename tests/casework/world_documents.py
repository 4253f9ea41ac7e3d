"""The documents of one school side for the URL × role matrix (tests/accounts/world.py)."""

from django.utils import timezone

from casework.models import Characteristic, Memo


def build(world, side, case) -> dict:
    """A memo to the director and a characteristic of the side's case."""
    today = timezone.localdate()
    memo = Memo.objects.create(
        case=case,
        school=side.school,
        date=today,
        author=side.class_teacher,
        addressee="Директору",
        text="Довожу до Вашего сведения…",
    )
    characteristic = Characteristic.objects.create(
        case=case,
        school=side.school,
        date=today,
        addressee=Characteristic.Addressee.COUNCIL,
        author=side.class_teacher,
        family="Семья полная.",
    )
    return {"memo": memo, "characteristic": characteristic}
