from django.dispatch import receiver

from journal.signals import attendance_changed

from . import queue


@receiver(attendance_changed)
def queue_evaluation(sender, *, school_id, student_ids, **kwargs):
    queue.request(school_id=school_id, student_ids=student_ids)
