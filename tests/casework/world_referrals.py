"""The referrals objects of one school side for the URL × role matrix (tests/accounts/world.py)."""

import datetime

from django.utils import timezone

from casework.models import Body, Referral


def build(world, side, case) -> dict:
    """A draft letter to the КДН and one sent to the police yesterday (awaiting its answer)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    common = {"case": case, "school": side.school, "text": "Информация о пропусках."}
    return {
        "referral": Referral.objects.create(
            body=Body.KDN,
            purpose=Referral.Purpose.INFORMATION,
            addressee="В комиссию по делам несовершеннолетних и защите их прав",
            **common,
        ),
        "sent_referral": Referral.objects.create(
            body=Body.POLICE,
            purpose=Referral.Purpose.LIABILITY,
            addressee="В территориальный отдел полиции",
            status=Referral.Status.SENT,
            sent_on=yesterday,
            outgoing_number="01-15/1",
            **common,
        ),
    }
