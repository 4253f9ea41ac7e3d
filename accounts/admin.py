"""Users and role assignments in the admin; every role change goes through the services.

The forms ask ``accounts.services.check_role_change`` before saving, so a role the
acting user may not grant or revoke (their own, or one above a school administrator's
reach) is a form error in Russian; the services check again. The role field offers only
the roles the acting user may grant. A school administrator opens only the accounts of
users whose every role they may grant (others answer 404, password form included), so
they cannot take over a director's, a deputy's or another administrator's account.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import (
    ReadOnlyAdminMixin,
    SchoolScopedAdminMixin,
    SchoolScopedInlineMixin,
    administered_school_ids,
)
from audit.models import AuditEntry

from .models import RoleAssignment, User
from .roles import SCHOOL_ADMIN_GRANTABLE_ROLES, Role
from .services import RoleError, assign_role, check_role_change, grantable_roles, revoke_role

# The model a role assignment's school points to (accounts sits below schools in the layers).
School = RoleAssignment._meta.get_field("school").related_model


def role_choices(acting_user) -> list[tuple[str, str]]:
    """The roles ``acting_user`` may grant, in the order of ``Role`` (every role for a
    superuser: the territory roles are theirs to give)."""
    allowed = set(Role) if acting_user.is_superuser else grantable_roles(acting_user)
    return [(role.value, role.label) for role in Role if role in allowed]


def _limit_role_choices(form_field, request):
    form_field.choices = [("", "---------"), *role_choices(request.user)]
    return form_field


def role_change_error(acting_user, *, user, role, school) -> RoleError | None:
    """The service's refusal of this change (None when it is allowed)."""
    try:
        check_role_change(acting_user=acting_user, user=user, role=role, school=school)
    except RoleError as error:
        return error
    return None


class RoleAssignmentForm(forms.ModelForm):
    """A new assignment: refused in the form when the acting user may not grant it."""

    acting_user = None  # set per request by the admin's get_form

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if self.instance.pk is None and user is not None and role and not self.has_error("school"):
            error = role_change_error(
                self.acting_user, user=user, role=role, school=cleaned.get("school")
            )
            if error is not None:
                self.add_error("user" if error.code == "own_role" else "role", error)
        return cleaned


class RoleAssignmentFormSet(BaseInlineFormSet):
    """The roles on a user's page: every added and every deleted row asks the service."""

    acting_user = None  # set per request by the inline's get_formset

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            assignment = form.instance
            if self._should_delete_form(form):
                if assignment.pk is None:
                    continue
                role, school = assignment.role, assignment.school
            elif assignment.pk is None and form.has_changed():
                role, school = form.cleaned_data.get("role"), form.cleaned_data.get("school")
                if not role:
                    continue
            else:
                continue
            error = role_change_error(
                self.acting_user, user=self.instance, role=role, school=school
            )
            if error is not None:
                # On the formset: Django does not validate the forms of deleted rows.
                raise forms.ValidationError(error)


class RoleAssignmentInline(SchoolScopedInlineMixin, admin.TabularInline):
    """Roles are added or removed, never edited in place (each is one audited event)."""

    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user = request.user
        return formset

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["role", "school", "municipality", "region"]
        return ["role", "school"]

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        return _limit_role_choices(field, request) if db_field.name == "role" else field


class SchoolUserCreationForm(AdminUserCreationForm):
    """A new staff member is created with a first role, so they belong to a school at once."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("Школа"))
    # The choices are the roles the acting user may grant (UserAdmin.get_form).
    role = forms.ChoiceField(choices=(), label=_("Роль"))

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username"]


@admin.register(User)
class UserAdmin(SchoolScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "patronymic", "position", "is_active"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["username", "last_name", "first_name", "patronymic"]
    inlines = [RoleAssignmentInline]
    school_admin_can_delete = False  # deactivate instead: the audit keeps who they were
    personal_fields = ["last_name", "first_name", "patronymic", "email", "phone", "position"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Only users whose every role this administrator may grant: not themselves, not a
        # director, deputy, administrator or official, not anyone with a role in another
        # school (their account opens that school's data).
        beyond_reach = RoleAssignment.objects.exclude(
            role__in=SCHOOL_ADMIN_GRANTABLE_ROLES,
            school__in=administered_school_ids(request.user),
        ).values("user_id")
        return (
            queryset.filter(is_superuser=False)
            .exclude(pk__in=beyond_reach)
            .exclude(pk=request.user.pk)
        )

    def get_inlines(self, request, obj):
        # On the add page the first role is part of the form; more are added afterwards.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            fieldsets = super().get_fieldsets(request, obj)
            if obj is not None:
                fieldsets[1][1]["fields"] = self.personal_fields
            return fieldsets
        if obj is None:
            return [
                (None, {"fields": ["username", "password1", "password2"]}),
                (_("Личные данные"), {"fields": self.personal_fields}),
                (_("Первая роль"), {"fields": ["school", "role"]}),
            ]
        return [
            (None, {"fields": ["username", "password"]}),
            (_("Личные данные"), {"fields": self.personal_fields}),
            (_("Доступ"), {"fields": ["is_active", "last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["last_login", "date_joined"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = SchoolUserCreationForm
        form = super().get_form(request, obj, **kwargs)
        if "school" in form.base_fields:
            form.base_fields["school"].queryset = School.objects.filter(
                pk__in=administered_school_ids(request.user)
            )
        if "role" in form.base_fields:
            form.base_fields["role"].choices = role_choices(request.user)
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and "role" in form.cleaned_data:
            assign_role(
                user=obj,
                role=form.cleaned_data["role"],
                school=form.cleaned_data["school"],
                acting_user=request.user,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        for assignment in formset.save(commit=False):
            if assignment.pk is None:
                assign_role(
                    user=form.instance,
                    role=assignment.role,
                    school=assignment.school,
                    municipality=assignment.municipality,
                    region=assignment.region,
                    acting_user=request.user,
                )
        for assignment in formset.deleted_objects:
            revoke_role(assignment=assignment, acting_user=request.user)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "school", "municipality", "region", "created_at"]
    list_filter = ["role", "school"]
    list_select_related = ["user", "school", "municipality", "region"]
    search_fields = ["user__last_name", "user__username"]
    audit_admin_changes = False  # assign_role / revoke_role write accounts.role.* entries

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["user", "role", "school", "municipality", "region"]
        return ["user", "role", "school"]

    def get_readonly_fields(self, request, obj=None):
        # Changing a role in place would hide the revocation; revoke and assign instead.
        return self.get_fields(request, obj) if obj is not None else []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        return _limit_role_choices(field, request) if db_field.name == "role" else field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        # Revoking is refused where granting would be (a director's role, one's own).
        return super().has_delete_permission(request, obj) and (
            obj is None
            or role_change_error(request.user, user=obj.user, role=obj.role, school=obj.school)
            is None
        )

    def save_model(self, request, obj, form, change):
        if change:
            return
        assignment = assign_role(
            user=obj.user,
            role=obj.role,
            school=obj.school,
            municipality=obj.municipality,
            region=obj.region,
            acting_user=request.user,
        )
        obj.pk = assignment.pk

    def delete_model(self, request, obj):
        revoke_role(assignment=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "school", "municipality", "region"):
            revoke_role(assignment=assignment, acting_user=request.user)


# The audit log is registered here, not in audit/admin.py: audit sits below accounts in the
# layers, and its admin is scoped by the roles that accounts defines.
@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, SchoolScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a school administrator reads the entries of their school."""

    list_display = ["created_at", "actor", "action", "object_repr", "school"]
    list_filter = ["action", "school"]
    list_select_related = ["actor", "school"]
    search_fields = ["action", "object_repr", "actor__last_name"]
    date_hierarchy = "created_at"
