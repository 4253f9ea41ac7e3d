"""Casework operations (R-C), one module per topic. Views, tasks and commands call these;
none repeats the rules."""

from .cases import (
    change_case_status,
    open_case,
    open_case_by_hand,
    set_family_centre_status,
    set_responsible,
)
from .common import CaseworkError, CaseworkPermissionDenied
from .contacts import log_parent_contact
from .council import (
    approve_conclusion,
    create_session,
    put_on_session,
    record_hearing,
    reject_conclusion,
    schedule_repeat_hearings,
    update_session,
)
from .documents import (
    create_characteristic,
    create_memo,
    update_characteristic,
    update_memo,
)
from .plan import (
    add_control,
    add_measure,
    complete_plan,
    create_plan,
    flag_overdue_measures,
    record_measure_outcome,
    update_measure,
    update_plan,
)
from .referrals import (
    create_referral,
    draft_letter,
    mark_referral_sent,
    mark_sop,
    record_referral_answer,
    update_referral,
)
from .registry import add_observation, remove_from_registry
from .tasks import complete_tasks_for
from .visits import (
    agree_visit,
    cancel_visit,
    plan_visit,
    record_parents_informed,
    save_act,
)

__all__ = [
    # referrals and СОП
    "create_referral",
    "draft_letter",
    "mark_referral_sent",
    "mark_sop",
    "record_referral_answer",
    "update_referral",
    # home visits
    "agree_visit",
    "cancel_visit",
    "plan_visit",
    "record_parents_informed",
    "save_act",
    # council and registry
    "add_observation",
    "approve_conclusion",
    "create_session",
    "put_on_session",
    "record_hearing",
    "reject_conclusion",
    "remove_from_registry",
    "schedule_repeat_hearings",
    "update_session",
    # plan and documents
    "add_control",
    "add_measure",
    "complete_plan",
    "create_characteristic",
    "create_memo",
    "create_plan",
    "flag_overdue_measures",
    "record_measure_outcome",
    "update_characteristic",
    "update_measure",
    "update_memo",
    "update_plan",
    "CaseworkError",
    "CaseworkPermissionDenied",
    "change_case_status",
    "complete_tasks_for",
    "log_parent_contact",
    "open_case",
    "open_case_by_hand",
    "set_family_centre_status",
    "set_responsible",
]
