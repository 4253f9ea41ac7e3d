"""Inputs of the timetable pages (the hostile-input registry,
tests/security/test_hostile_forms.py): template lines, subgroups, bells, lesson
generation, replacements and cancellations."""

from tests.security.kinds import ACTION, CHOICE, DATE, NONE, STAFF, TEXT, Inputs, ref

ENTRY = {
    "weekday": CHOICE,
    "period": CHOICE,
    "subject": ref("subject"),
    "teacher": STAFF,
    "group": ref("group"),
    "room": TEXT,
}
BELL = {"number": CHOICE, "start_time": TEXT, "end_time": TEXT}
GENERATION = {"term": ref("term"), "start": DATE, "school_class": ref("school_class")}

COVERED: dict[str, Inputs] = {
    "administration:timetable": NONE,
    "administration:timetable_class": Inputs(
        post=ENTRY, query={"weekday": CHOICE, "period": CHOICE}
    ),
    "administration:timetable_entry": Inputs(post={**ENTRY, "from_date": DATE}),
    "administration:timetable_entry_remove": Inputs(post={"from_date": DATE}),
    "administration:group_add": Inputs(post={"name": TEXT}),
    "administration:group_edit": Inputs(post={"students": ref("student")}),
    "administration:group_remove": NONE,
    "administration:bells": Inputs(post=BELL),
    "administration:bell_edit": Inputs(post=BELL),
    "administration:bell_remove": NONE,
    "administration:lesson_generation": Inputs(
        post={**GENERATION, "fingerprint": ACTION}, query=GENERATION
    ),
    "administration:lessons": Inputs(query={"date": DATE, "school_class": ref("school_class")}),
    "administration:lesson_replace": Inputs(post={"teacher": STAFF}),
    "administration:lesson_cancel": Inputs(post={"reason": TEXT}),
    "administration:lesson_restore": NONE,
}
