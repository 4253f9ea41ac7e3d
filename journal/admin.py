from django.contrib import admin

from accounts.admin_scoping import SchoolScopedAdminMixin, SuperuserOnlyAdminMixin

from .models import (
    BellPeriod,
    CalendarOverride,
    GradeBandWeek,
    Lesson,
    PublicCalendarDay,
    Quarantine,
    Term,
    TimetableEntry,
    Vacation,
)


@admin.register(PublicCalendarDay)
class PublicCalendarDayAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    """The production calendar is shared by every school; schools override it per date."""

    list_display = ["date", "kind", "name", "region"]
    list_filter = ["kind", "region"]
    date_hierarchy = "date"


@admin.register(Term)
class TermAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "start_date", "end_date"]
    list_filter = ["academic_year__school"]
    list_select_related = ["academic_year"]


@admin.register(Vacation)
class VacationAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "academic_year", "start_date", "end_date", "grade_from", "grade_to"]
    list_filter = ["academic_year__school"]
    list_select_related = ["academic_year"]


@admin.register(Quarantine)
class QuarantineAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "reason"]
    list_select_related = ["school", "school_class"]


@admin.register(GradeBandWeek)
class GradeBandWeekAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["school", "grade_from", "grade_to", "week_length"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "school", "is_school_day", "timetable_weekday", "reason"]
    date_hierarchy = "date"


@admin.register(BellPeriod)
class BellPeriodAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "start_time", "end_time", "school"]
    list_filter = ["school"]


@admin.register(TimetableEntry)
class TimetableEntryAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["school_class", "weekday", "period", "subject", "teacher", "room"]
    list_filter = ["weekday", "school_class__school"]
    list_select_related = ["school_class", "subject", "teacher"]


@admin.register(Lesson)
class LessonAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    """Replacements and cancellations (R-CAL-3); marks are entered in the journal."""

    list_display = ["date", "period", "school_class", "subject", "teacher", "status"]
    list_filter = ["status", "school"]
    list_select_related = ["school_class", "subject", "teacher"]
    date_hierarchy = "date"
    exclude = ["attendance_taken_at", "attendance_taken_by"]
