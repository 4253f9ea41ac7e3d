"""Forget the kept school settings (``services.school_settings``) when an override or a
school's municipality changes, whoever saves it: the services, the admin, a shell."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from schools.models import School

from .models import PolicyValue
from .services import forget_school_settings


@receiver([post_save, post_delete], sender=PolicyValue)
def forget_overridden(sender, instance: PolicyValue, **kwargs):
    forget_school_settings(school_id=instance.school_id, region_id=instance.region_id)


@receiver(post_save, sender=School)
def forget_moved_school(sender, instance: School, **kwargs):
    forget_school_settings(school_id=instance.pk)
