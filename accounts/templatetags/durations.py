"""A span of time in words, for messages such as the lock-out page's."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def in_words(value: timedelta) -> str:
    """``timedelta(minutes=15)`` → «15 минут» (“15 minutes” in English), two units at most."""
    now = timezone.now()
    return timeuntil(now + value, now)
