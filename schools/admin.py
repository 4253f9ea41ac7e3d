from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import (
    SchoolScopedAdminMixin,
    SchoolScopedInlineMixin,
    SuperuserOnlyAdminMixin,
)

from .models import (
    AcademicYear,
    ClassGroup,
    Enrollment,
    Guardian,
    Municipality,
    Region,
    School,
    SchoolClass,
    Student,
    Subject,
)


@admin.register(Region)
class RegionAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "iso_code"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    """A school administrator edits their school's card; creating schools is for superusers."""

    school_admin_can_add = False
    school_admin_can_delete = False
    list_display = ["short_name", "municipality", "week_length", "lesson_minutes"]
    list_filter = ["municipality__region", "municipality"]
    search_fields = ["name", "short_name"]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["municipality"]


@admin.register(AcademicYear)
class AcademicYearAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "school", "start_date", "end_date", "term_system"]
    list_filter = ["school"]


class ClassGroupInline(SchoolScopedInlineMixin, admin.TabularInline):
    model = ClassGroup
    extra = 0
    fields = ["name"]


@admin.register(SchoolClass)
class SchoolClassAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "school", "academic_year", "class_teacher"]
    list_filter = ["school", "academic_year__name", "grade"]
    list_select_related = ["school", "academic_year", "class_teacher"]
    search_fields = ["letter", "class_teacher__last_name"]
    inlines = [ClassGroupInline]


@admin.register(ClassGroup)
class ClassGroupAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "school_class"]
    list_select_related = ["school_class"]
    filter_horizontal = ["students"]


@admin.register(Subject)
class SubjectAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "school"]
    list_filter = ["school"]
    search_fields = ["name"]


class GuardianInline(SchoolScopedInlineMixin, admin.StackedInline):
    model = Guardian
    extra = 0


class EnrollmentInline(SchoolScopedInlineMixin, admin.TabularInline):
    """Only the enrollments in the user's schools: another school's history stays hidden."""

    model = Enrollment
    extra = 0
    fields = [
        "school_class",
        "start_date",
        "end_date",
        "repeats_grade",
        "admission_basis",
        "leaving_reason",
    ]

    def get_min_num(self, request, obj=None, **kwargs):
        # A new student without an enrollment would vanish from a school administrator's view.
        return 1 if obj is None and not request.user.is_superuser else 0

    def get_extra(self, request, obj=None, **kwargs):
        return (
            0
            if obj is None and not request.user.is_superuser
            else super().get_extra(request, obj, **kwargs)
        )


@admin.register(Student)
class StudentAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "birth_date"]
    search_fields = ["last_name", "first_name", "patronymic"]
    inlines = [GuardianInline, EnrollmentInline]
    fieldsets = [
        (None, {"fields": ["last_name", "first_name", "patronymic", "birth_date", "gender"]}),
        (_("Адреса"), {"fields": ["registration_address", "actual_address"]}),
        (
            _("Статус семьи"),
            {
                "fields": [
                    "large_family",
                    "low_income",
                    "single_parent",
                    "difficult_life_situation",
                    "socially_dangerous_position",
                    "disability",
                ]
            },
        ),
        (None, {"fields": ["notes"]}),
    ]
