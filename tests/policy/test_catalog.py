import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from policy import catalog


def test_keys_are_unique_dotted_and_grouped():
    keys = [s.key for s in catalog.SETTINGS]
    assert len(keys) == len(set(keys))
    assert all("." in key and key == key.lower() for key in keys)
    grouped_keys = [s.key for _group, settings in catalog.grouped() for s in settings]
    assert sorted(grouped_keys) == sorted(keys)


@pytest.mark.parametrize(
    ("key", "default"),
    [
        ("journal.unknown_reason_deadline", datetime.time(19, 0)),
        ("journal.mark_edit_lock", "week_approved"),
        ("thresholds.streak_invite_days", 3),
        ("thresholds.streak_memo_after_days", 3),
        ("thresholds.streak_home_visit_after_days", 5),
        ("deadlines.home_visit_days", 3),
        ("thresholds.streak_all_lessons_after_days", 10),
        ("deadlines.parent_meeting_days", 2),
        ("deadlines.family_centre_status_min_days", 3),
        ("deadlines.family_centre_status_max_days", 5),
        ("deadlines.prevention_plan_days", 5),
        ("deadlines.plan_control_interval_days", 7),
        ("thresholds.hours_systematic_grade_1", 24),
        ("thresholds.hours_long_grade_1", 40),
        ("thresholds.hours_systematic_grades_2_4", 30),
        ("thresholds.hours_long_grades_2_4", 50),
        ("thresholds.hours_systematic_grades_5_9", 38),
        ("thresholds.hours_long_grades_5_9", 60),
        ("thresholds.hours_systematic_grades_10_11", 38),
        ("thresholds.hours_long_grades_10_11", 60),
        ("thresholds.month_percent_missed", Decimal(30)),
        ("thresholds.month_percent_comparison", ">="),
        ("thresholds.term_percent_missed", Decimal(30)),
        ("thresholds.term_percent_comparison", ">="),
        ("units.week_missed_fraction", Decimal("0.5")),
        ("units.systematic_lateness_fraction", Decimal("0.5")),
        ("thresholds.after_vacation_enabled", True),
        ("reports.weekly_class_report_weekday", 0),
        ("reports.weekly_class_report_time", datetime.time(12, 0)),
        ("reports.school_weekly_report_weekday", 1),
        ("reports.monthly_school_due_day", 3),
        ("reports.monthly_municipal_due_day", 5),
        ("reports.monthly_months", (9, 10, 11, 12, 1, 2, 3, 4, 5)),
        ("reports.not_in_education_dates", ((11, 1), (5, 1))),
        ("security.forwarded_data_retention_months", 12),
        ("security.upload_max_mb", 10),
        ("journal.lesson_minutes_default", 45),
    ],
)
def test_default_is_the_seeds_number(key, default):
    assert catalog.get(key).default == default


def test_every_default_round_trips_through_json():
    for setting in catalog.SETTINGS:
        assert setting.clean(setting.to_json(setting.default)) == setting.default


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("journal.unknown_reason_deadline", "18:30", datetime.time(18, 30)),
        ("thresholds.streak_invite_days", " 4 ", 4),
        ("units.week_missed_fraction", "0,6", Decimal("0.6")),
        ("thresholds.after_vacation_enabled", "false", False),
        ("reports.weekly_class_report_weekday", "2", 2),
        ("thresholds.month_percent_comparison", ">", ">"),
        ("reports.monthly_months", ["1", "9", "10"], (9, 10, 1)),
        ("reports.not_in_education_dates", "01.05, 1.11", ((11, 1), (5, 1))),
    ],
)
def test_clean_accepts_form_input(key, raw, expected):
    assert catalog.get(key).clean(raw) == expected


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("journal.unknown_reason_deadline", "25:00", "ЧЧ:ММ"),
        ("thresholds.streak_invite_days", "три", "целое число"),
        ("thresholds.streak_invite_days", 0, "не меньше 1"),
        ("thresholds.streak_invite_days", True, "целое число"),
        ("security.upload_max_mb", 500, "не больше 50"),
        ("units.week_missed_fraction", "1,5", "не больше"),
        ("units.week_missed_fraction", "0,3333333333333333333", "не точнее сотых"),
        ("thresholds.month_percent_comparison", "<", "Выберите"),
        ("reports.monthly_months", [], "хотя бы один"),
        ("reports.monthly_months", ["13"], "от 1 до 12"),
        ("reports.not_in_education_dates", "31.02", "не бывает"),
    ],
)
def test_clean_rejects_bad_input_with_russian_message(key, raw, message):
    with pytest.raises(ValidationError) as error:
        catalog.get(key).clean(raw)
    assert message in " ".join(error.value.messages)


def test_unknown_key_is_a_validation_error():
    with pytest.raises(ValidationError, match="Неизвестная настройка"):
        catalog.get("thresholds.no_such_thing")


@pytest.mark.parametrize(
    ("grade", "band"),
    [(1, "grade_1"), (2, "grades_2_4"), (4, "grades_2_4"), (5, "grades_5_9"), (9, "grades_5_9")]
    + [(10, "grades_10_11"), (11, "grades_10_11")],
)
def test_hour_band_of_grade(grade, band):
    assert catalog.hour_band(grade) == band
    assert f"thresholds.hours_long_{band}" in catalog.BY_KEY


def test_order_check_rejects_systematic_not_below_long():
    values = {s.key: s.default for s in catalog.SETTINGS}
    catalog.check_order(values)
    with pytest.raises(ValidationError, match="меньше"):
        catalog.check_order(values | {"thresholds.hours_systematic_grade_1": 40})
    # 3–5 days may shrink to a single day.
    catalog.check_order(values | {"deadlines.family_centre_status_min_days": 5})


def test_display_is_russian():
    assert catalog.get("reports.not_in_education_dates").display(((11, 1), (5, 1))) == (
        "1 ноября, 1 мая"
    )
    assert catalog.get("units.week_missed_fraction").display(Decimal("0.5")) == "0,5"
    assert catalog.get("reports.weekly_class_report_weekday").display(0) == "понедельник"
