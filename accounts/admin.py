"""Users and role assignments in the admin; every role change goes through the services."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import (
    ReadOnlyAdminMixin,
    SchoolScopedAdminMixin,
    SchoolScopedInlineMixin,
    administered_school_ids,
)
from audit.models import AuditEntry

from .models import RoleAssignment, User
from .roles import SCHOOL_ROLES, Role
from .services import assign_role, revoke_role

# The model a role assignment's school points to (accounts sits below schools in the layers).
School = RoleAssignment._meta.get_field("school").related_model

SCHOOL_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in SCHOOL_ROLES]


def _limit_role_choices(form_field, request):
    if not request.user.is_superuser:
        form_field.choices = SCHOOL_ROLE_CHOICES
    return form_field


class RoleAssignmentInline(SchoolScopedInlineMixin, admin.TabularInline):
    """Roles are added or removed, never edited in place (each is one audited event)."""

    model = RoleAssignment
    extra = 0

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
    role = forms.ChoiceField(choices=SCHOOL_ROLE_CHOICES, label=_("Роль"))

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
        return queryset.filter(is_superuser=False)

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
