"""Forget a school's kept bells (``selectors.school_bells``) when one of its bell periods
is saved or deleted, whoever does it: the timetable pages, the admin, a shell."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import BellPeriod
from .selectors import forget_school_bells


@receiver([post_save, post_delete], sender=BellPeriod)
def forget_bells(sender, instance: BellPeriod, **kwargs):
    forget_school_bells(instance.school_id)
