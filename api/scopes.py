"""What an integration token may do (a personal token and a session may do all of it).

A scope opens endpoints; what the token's user may do with each object is still decided by
the apps' ``rules`` predicates, exactly as on the pages.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    MARKS_READ = "marks:read", _("уроки учителя, состав класса на уроке и отметки — чтение")
    MARKS_WRITE = "marks:write", _("отметки посещаемости — запись")
    STUDENTS_READ = "students:read", _("обучающиеся школы — чтение")
    ALERTS_READ = "alerts:read", _("сигналы школы — чтение")
    TASKS_READ = "tasks:read", _("задачи школы — чтение")
