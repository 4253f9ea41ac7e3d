from django.dispatch import receiver

from accounts.signals import role_changed
from journal.signals import attendance_changed

from . import queue, staff_notices


@receiver(attendance_changed)
def queue_evaluation(sender, *, school_id, student_ids, **kwargs):
    queue.request(school_id=school_id, student_ids=student_ids)


@receiver(role_changed)
def tell_the_director(sender, *, user, role, school, granted, acting_user, **kwargs):
    staff_notices.notify_role_change(
        user=user, role=role, school=school, granted=granted, acting_user=acting_user
    )
