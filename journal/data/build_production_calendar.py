"""Regenerate production_calendar_ru.json, the Russian production calendar we ship.

Usage (from the project root)::

    .venv/bin/python journal/data/build_production_calendar.py

The committed JSON is the source of truth; this script only documents how it was
made. The ``holidays`` package is the base: it knows the public holidays of
art. 112 of the Labour Code (ТК РФ) and the government's yearly transfer decrees.
Every year we ship is cross-checked against the transfers written out by hand
in ``DECREES`` below (copied from the decree texts); the script stops if the two
disagree, so a library upgrade cannot silently change the calendar.

Only days that differ from a plain Monday–Friday week are written:

* ``holiday``: a public holiday of art. 112 (also when it falls on a weekend:
  a 6-day school does not teach on a Saturday holiday);
* ``day_off``: a weekday made free by a decree transfer or by the art. 112 rule
  "a holiday on a weekend moves to the next working day";
* ``working_day``: a Saturday or Sunday made working by a transfer;
  ``timetable_weekday`` is the ISO weekday of the day off it swaps with, i.e.
  whose timetable the school follows on it (2025-11-01 works as Monday 2025-11-03).
"""

import datetime
import json
from pathlib import Path

import holidays

YEARS = (2025, 2026, 2027)
OUTPUT = Path(__file__).resolve().parent / "production_calendar_ru.json"

# Art. 112 ТК РФ: the fourteen dates of public holidays (нерабочие праздничные дни).
ART_112 = {
    (1, 1),
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
}

# The transfers of each year's decree, "from" day → "to" day, as printed.
DECREES = {
    2025: {
        "source": (
            "Постановление Правительства РФ от 04.10.2024 № 1335 "
            "«О переносе выходных дней в 2025 году»"
        ),
        "transfers": [
            ("2025-01-04", "2025-05-02"),
            ("2025-01-05", "2025-12-31"),
            ("2025-02-23", "2025-05-08"),
            ("2025-03-08", "2025-06-13"),
            ("2025-11-01", "2025-11-03"),
        ],
    },
    2026: {
        "source": (
            "Постановление Правительства РФ от 24.09.2025 № 1466 "
            "«О переносе выходных дней в 2026 году»; 09.03 и 11.05 — ч. 2 ст. 112 ТК РФ"
        ),
        "transfers": [
            ("2026-01-03", "2026-01-09"),
            ("2026-01-04", "2026-12-31"),
        ],
    },
    2027: {
        "source": (
            "Постановление Правительства РФ о переносе выходных дней в 2027 году "
            "(КонсультантПлюс, cons_doc_LAW_544706; по данным пакета holidays 0.108); "
            "03.05, 10.05 и 14.06 — ч. 2 ст. 112 ТК РФ"
        ),
        "transfers": [
            ("2027-01-02", "2027-11-05"),
            ("2027-01-03", "2027-12-31"),
            ("2027-02-20", "2027-02-22"),
        ],
    },
}


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _is_weekend(day: datetime.date) -> bool:
    return day.isoweekday() >= 6


def build_year(year: int) -> list[dict]:
    """The non-standard days of one year, cross-checked against ``DECREES``."""
    calendar = holidays.country_holidays("RU", years=year, language="ru")
    transfers = {_date(a): _date(b) for a, b in DECREES[year]["transfers"]}
    moved_to = {to: source for source, to in transfers.items()}

    rows = []
    for day, name in sorted(calendar.items()):
        if (day.month, day.day) in ART_112:
            kind = "holiday"
        else:
            kind = "day_off"
            if _is_weekend(day):
                raise SystemExit(f"{day}: a transferred day off falls on a weekend")
        rows.append({"date": day, "kind": kind, "name": name, "timetable_weekday": None})

    for day in sorted(calendar.weekend_workdays):
        target = transfers.get(day)
        if target is None:
            raise SystemExit(f"{day}: working weekend day not in the decree of {year}")
        rows.append(
            {
                "date": day,
                "kind": "working_day",
                "name": f"Рабочий день (выходной перенесён на {target:%d.%m.%Y})",
                "timetable_weekday": target.isoweekday(),
            }
        )
    _cross_check(year, rows, transfers, moved_to)
    return sorted(rows, key=lambda row: row["date"])


def _cross_check(year, rows, transfers, moved_to):
    by_date = {row["date"]: row for row in rows}
    for source, target in transfers.items():
        if by_date.get(target, {}).get("kind") != "day_off":
            raise SystemExit(f"{target}: the decree makes it a day off, the library does not")
        source_is_holiday = (source.month, source.day) in ART_112
        expected = "holiday" if source_is_holiday else "working_day"
        if by_date.get(source, {}).get("kind") != expected:
            raise SystemExit(f"{source}: expected {expected} (transferred to {target})")
    for row in rows:
        day = row["date"]
        if row["kind"] == "day_off" and day not in moved_to and not _follows_weekend_holiday(day):
            raise SystemExit(f"{day}: day off without a decree transfer or art. 112 reason")
    holidays_count = sum(row["kind"] == "holiday" for row in rows)
    if holidays_count != len(ART_112):
        raise SystemExit(f"{year}: {holidays_count} public holidays instead of {len(ART_112)}")


def _follows_weekend_holiday(day: datetime.date) -> bool:
    """Art. 112 part 2: a holiday (not of 1–8 January) on a weekend moves to the next weekday."""
    previous = day - datetime.timedelta(days=1)
    while _is_weekend(previous):
        if (previous.month, previous.day) in ART_112 and previous.month != 1:
            return True
        previous -= datetime.timedelta(days=1)
    return False


def build() -> dict:
    days = []
    for year in YEARS:
        days.extend(build_year(year))
    source = "; ".join(f"{year}: {DECREES[year]['source']}" for year in YEARS)
    return {
        "source": f"Ст. 112 ТК РФ. {source}. Сгенерировано journal/data/"
        f"build_production_calendar.py (holidays {holidays.__version__}).",
        "days": [{**row, "date": row["date"].isoformat()} for row in days],
    }


def main():
    data = build()
    # One day a line keeps the diffs of a yearly update readable.
    lines = [json.dumps(row, ensure_ascii=False) for row in data["days"]]
    source = json.dumps(data["source"], ensure_ascii=False)
    days = ",\n  ".join(lines)
    text = f'{{\n "source": {source},\n "days": [\n  {days}\n ]\n}}\n'
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT}: {len(data['days'])} days")


if __name__ == "__main__":
    main()
