"""Who may do what in casework (spec §1, R-C).

The object is a Case for the case's own pages, a Student (or a SchoolClass) for the
contacts kept from the class day and for opening a case, a School for the council and
the registry. A psychologist works only the cases referred to them: named among the
responsible staff, or a referral to the school psychologist naming them (the students of
``referred_students`` below, registered with ``schools.referrals``).
"""

import rules
from django.db.models import Q

from accounts.roles import Role
from accounts.rules import (
    has_school_role,
    holds_school_role,
    is_class_teacher_of,
    is_superuser,
)
from schools.rules import is_referred_psychologist

from .models import Body, Case

social_pedagogue = has_school_role(Role.SOCIAL_PEDAGOGUE)
overseer = has_school_role(Role.DEPUTY, Role.DIRECTOR)
director = has_school_role(Role.DIRECTOR)
whole_school = social_pedagogue | overseer

# Parent contacts are kept by the class teacher; the social pedagogue, the deputy and the
# director work the whole school's cases.
contact_keepers = is_class_teacher_of | whole_school
case_workers = is_superuser | contact_keepers | is_referred_psychologist

rules.add_perm("casework.log_parent_contact", contact_keepers | is_referred_psychologist)
rules.add_perm("casework.view_parent_contacts", case_workers)

# The case and its records (a Case).
rules.add_perm("casework.view_case", case_workers)
rules.add_perm("casework.work_case", case_workers)  # contacts, visits, acts, notes, documents
rules.add_perm("casework.manage_case", is_superuser | contact_keepers)  # status, responsible
rules.add_perm("casework.open_case", is_superuser | contact_keepers)  # a Student
rules.add_perm("casework.agree_home_visit", is_superuser | overseer)  # seed 003 alg. 5
rules.add_perm("casework.manage_plan", is_superuser | contact_keepers)
rules.add_perm("casework.manage_referrals", is_superuser | whole_school)
rules.add_perm("casework.mark_sop", is_superuser | whole_school)  # seed 003 alg. 23

# The case list and dashboards (no object): the selectors scope what each sees.
rules.add_perm(
    "casework.view_cases",
    is_superuser
    | holds_school_role(
        Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE, Role.PSYCHOLOGIST, Role.DEPUTY, Role.DIRECTOR
    ),
)

# The council and the registry (a School, or an object with its school).
rules.add_perm("casework.view_council", is_superuser | whole_school)
rules.add_perm("casework.manage_council", is_superuser | whole_school)
rules.add_perm("casework.approve_conclusion", is_superuser | director)  # seed 003 alg. 14
rules.add_perm("casework.view_registry", is_superuser | whole_school)
rules.add_perm("casework.manage_registry", is_superuser | overseer)


def referred_cases(user) -> Q:
    """Q over Case: the cases that name ``user`` among their responsible staff, in a referral
    to the school psychologist, as responsible for a plan measure or as the assignee of a
    council's assignment."""
    return (
        Q(responsible=user)
        | Q(referrals__body=Body.PSYCHOLOGIST, referrals__psychologist=user)
        | Q(plans__measures__responsible=user)
        | Q(hearings__assignments__assignee=user)
    )


def referred_students(user) -> Q:
    """Q over Student: the children of the cases referred to ``user``."""
    return Q(pk__in=Case.objects.filter(referred_cases(user)).values("student_id"))
