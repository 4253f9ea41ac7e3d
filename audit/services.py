from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def log_action(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    school=None,
    data: dict | None = None,
) -> AuditEntry:
    """Record an audited action; call it inside the transaction of the change it describes."""
    if school is None and obj is not None:
        school = getattr(obj, "audit_school", None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        school=school,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=data or {},
    )
