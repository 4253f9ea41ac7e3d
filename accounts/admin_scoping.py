"""Django admin limited to the schools where the user is ``school_admin`` (R-A).

Every ``ModelAdmin`` of the project's school data mixes in
:class:`SchoolScopedAdminMixin` and names the path from its model to
``School`` (``school_path``). For a user who is not a superuser the mixin

* lists and opens only objects of the schools they administer;
* answers 404 for any other object (existence must not leak), as the app does;
* offers only those schools' objects in foreign-key and many-to-many choices, and in
  the list filters on related objects (no other school's name shows);
* grants view/add/change/delete from the ``school_admin`` role, not from
  Django's model permissions (so ``is_staff`` alone opens nothing);
* writes an audit entry ``admin.<app>.<model>.added|changed|deleted`` next to
  Django's own admin log (R-SEC), one for each school the object belongs to (of
  those the user administers), so that each school's audit shows it; an addition or a
  change carries the old and new value of each field changed, secrets left out
  (``accounts.admin_changes``).

Superusers see and do everything. ``accounts.services.assign_role`` gives
school administrators the ``is_staff`` flag the admin site requires.
"""

from django.conf import settings
from django.contrib.admin import RelatedFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Model, QuerySet
from django.http import Http404

from accounts.admin_changes import form_changes
from accounts.roles import Role
from accounts.selectors import school_ids_with_role
from audit.services import audit_entry

# Path from a model to School, for every model whose choices or rows are scoped.
SCOPE_PATHS: dict[str, str] = {
    "schools.region": "municipalities__schools",
    "schools.municipality": "schools",
    "schools.school": "pk",
    "schools.academicyear": "school",
    "schools.schoolclass": "school",
    "schools.classgroup": "school_class__school",
    "schools.student": "enrollments__school",
    "schools.guardian": "student__enrollments__school",
    "schools.enrollment": "school",
    "schools.subject": "school",
    settings.AUTH_USER_MODEL.lower(): "role_assignments__school",
    "accounts.roleassignment": "school",
    "journal.bellperiod": "school",
    "journal.timetableentry": "school_class__school",
    "journal.lesson": "school",
    "journal.term": "academic_year__school",
    "journal.vacation": "academic_year__school",
    "journal.quarantine": "school",
    "journal.gradebandweek": "school",
    "journal.calendaroverride": "school",
    "policy.policyvalue": "school",
    "audit.auditentry": "school",
}


def administered_school_ids(user) -> frozenset[int]:
    return school_ids_with_role(user, Role.SCHOOL_ADMIN)


def scope_queryset(queryset: QuerySet, school_ids, path: str | None = None) -> QuerySet:
    """Rows of ``queryset`` that belong to ``school_ids`` (no duplicates from to-many joins)."""
    model = queryset.model
    path = path or SCOPE_PATHS.get(model._meta.label_lower)
    if path is None:
        return queryset.none()
    if path == "pk":
        return queryset.filter(pk__in=school_ids)
    if "__" not in path and model._meta.get_field(path).concrete:
        return queryset.filter(**{f"{path}_id__in": school_ids})
    inner = model._default_manager.filter(**{f"{path}__in": school_ids}).values("pk")
    return queryset.filter(pk__in=inner)


def school_ids_of_object(obj: Model, path: str | None = None) -> set[int]:
    """The schools ``obj`` belongs to, by its path in ``SCOPE_PATHS`` (empty without one)."""
    path = path or SCOPE_PATHS.get(obj._meta.label_lower)
    if path is None or obj.pk is None:
        return set()
    if path == "pk":
        return {obj.pk}
    rows = type(obj)._default_manager.filter(pk=obj.pk).values_list(path, flat=True)
    return {school_id for school_id in rows if school_id is not None}


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A list filter on a related object offering only the objects of the user's schools."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        related = scope_queryset(
            field.related_model._default_manager.all(), administered_school_ids(request.user)
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": related.values("pk")},
            ordering=ordering,
        )


class _ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to the user's schools."""

    def _scope_choices(self, db_field, request, kwargs):
        if request.user.is_superuser:
            return kwargs
        related = db_field.related_model
        queryset = kwargs.get("queryset", related._default_manager.all())
        kwargs["queryset"] = scope_queryset(queryset, administered_school_ids(request.user))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SchoolScopedAdminMixin(_ScopedChoicesMixin):
    """Mix into a ``ModelAdmin`` before ``admin.ModelAdmin`` (see the module docstring)."""

    school_path: str | None = None  # default: SCOPE_PATHS[model label]
    school_admin_can_add = True
    school_admin_can_change = True
    school_admin_can_delete = True
    # Off where a service writes its own, more precise audit entry (role assignments).
    audit_admin_changes = True

    def _school_ids(self, request) -> frozenset[int]:
        return administered_school_ids(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scope_queryset(queryset, self._school_ids(request), self.school_path)

    def _may(self, request, obj, allowed: bool) -> bool:
        if request.user.is_superuser:
            return True
        if not (allowed and request.user.is_active and self._school_ids(request)):
            return False
        return obj is None or self._in_scope(request, obj)

    def _in_scope(self, request, obj: Model) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._may(request, None, True)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj, True)

    def has_add_permission(self, request):
        return self._may(request, None, self.school_admin_can_add)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj, self.school_admin_can_change)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj, self.school_admin_can_delete)

    def get_list_filter(self, request):
        """Filters on related objects (``"school"``, ``"academic_year__school"`` …) list only
        the user's schools' objects."""
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, ScopedRelatedFieldListFilter)
            scoped.append(item)
        return scoped

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects with "does not exist"; the app answers 404, so does the admin.
        raise Http404

    def audit_data(self, obj, message) -> dict:
        """JSON data of the audit entry; override to add the values that matter."""
        return {"message": message} if message else {}

    def _audit_schools(self, request, obj) -> list[int | None]:
        """The schools whose audit shows the change: the object's, limited to those the user
        administers (a student who moved, a teacher of two schools); no school if none."""
        school_ids = school_ids_of_object(obj, self.school_path)
        if not request.user.is_superuser:
            school_ids &= self._school_ids(request)
        return sorted(school_ids) or [None]

    def construct_change_message(self, request, form, formsets, add=False):
        # Django builds the message after saving, with the form at hand: the values changed
        # are kept on the object for the audit entry that log_change / log_addition write
        # (the password form names its user, not an instance).
        target = getattr(form, "instance", None) or getattr(form, "user", None)
        if target is not None:
            target._audit_changes = form_changes(form, formsets)
        return super().construct_change_message(request, form, formsets, add)

    def _audit(self, request, obj, verb: str, message=None) -> None:
        if not self.audit_admin_changes:
            return
        opts = obj._meta
        data = self.audit_data(obj, message)
        changes = obj.__dict__.pop("_audit_changes", None)
        if changes:
            data["changes"] = changes
        for school_id in self._audit_schools(request, obj):
            entry = audit_entry(
                actor=request.user,
                action=f"admin.{opts.app_label}.{opts.model_name}.{verb}",
                obj=obj,
                data=data,
            )
            if school_id is not None:
                entry.school_id = school_id
            entry.save(force_insert=True)

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "added", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "deleted")
        return super().log_deletions(request, queryset)


class SchoolScopedInlineMixin(_ScopedChoicesMixin):
    """For inlines: rows and choices of the user's schools; the parent admin checks the rest."""

    school_path: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scope_queryset(queryset, administered_school_ids(request.user), self.school_path)

    def _may(self, request) -> bool:
        return request.user.is_superuser or bool(administered_school_ids(request.user))

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request, obj=None):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return self._may(request)


class SuperuserOnlyAdminMixin:
    """Shared reference data (regions, the production calendar): superusers edit it."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReadOnlyAdminMixin:
    """Nobody edits these rows through the admin (audit entries)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = [
    "SCOPE_PATHS",
    "ReadOnlyAdminMixin",
    "SchoolScopedAdminMixin",
    "SchoolScopedInlineMixin",
    "SuperuserOnlyAdminMixin",
    "administered_school_ids",
    "school_ids_of_object",
    "scope_queryset",
]
