import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_portal.settings.base")

app = Celery("attendance_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
