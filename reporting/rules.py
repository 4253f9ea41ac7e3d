"""Who may see, prepare and decide each report (spec §1, §6). Views ask ``user.has_perm``.

| form | prepares and submits | approves or returns | sees besides them |
|---|---|---|---|
| рапортичка, term summary | the class teacher (or the deputy) | the deputy or director | social pedagogue |
| weekly report, monthly information, minor not in education | the deputy (or director) | the director | social pedagogue; the municipality, once approved |
| municipal consolidation | the municipal specialist | the regional specialist | — |

Officials above a school see its reports only once approved (their approved versions),
the regional one those of every school of the region; never a class's reports. The
regional specialist sees a municipal consolidation once submitted (to decide it).
No one approves or returns their own submission (``reporting.services``).
"""

import rules

from accounts.roles import Role
from accounts.rules import has_school_role, holds_school_role, is_class_teacher_of, is_superuser
from accounts.selectors import municipality_ids_for_user, region_ids_for_user
from schools.rules import oversees_school

from .models import Kind, Status

CLASS_KINDS = frozenset({Kind.WEEKLY_CLASS_REPORT, Kind.TERM_SUMMARY})
SCHOOL_KINDS = frozenset(
    {Kind.WEEKLY_SCHOOL_REPORT, Kind.MONTHLY_INFORMATION, Kind.NOT_IN_EDUCATION}
)
MUNICIPAL_KINDS = frozenset({Kind.MUNICIPAL_MONTHLY})


@rules.predicate
def is_class_report(_user, report) -> bool:
    return report is not None and report.kind in CLASS_KINDS


@rules.predicate
def is_school_report(_user, report) -> bool:
    return report is not None and report.kind in SCHOOL_KINDS


@rules.predicate
def is_municipal_report(_user, report) -> bool:
    return report is not None and report.kind in MUNICIPAL_KINDS


@rules.predicate
def is_approved(_user, report) -> bool:
    return report is not None and report.approved_number is not None


def _region_id(report) -> int:
    return report.municipality.region_id


@rules.predicate
def is_municipal_official(user, report) -> bool:
    return report is not None and report.municipality_id in municipality_ids_for_user(user)


@rules.predicate
def is_regional_official(user, report) -> bool:
    return report is not None and _region_id(report) in region_ids_for_user(user)


is_deputy = has_school_role(Role.DEPUTY)
is_director = has_school_role(Role.DIRECTOR)
is_social_pedagogue = has_school_role(Role.SOCIAL_PEDAGOGUE)

rules.add_perm(
    "reporting.view_report",
    is_superuser
    | (is_class_report & (is_class_teacher_of | is_deputy | is_director | is_social_pedagogue))
    | (is_school_report & (is_deputy | is_director | is_social_pedagogue))
    | (is_school_report & is_approved & (is_municipal_official | is_regional_official))
    | (is_municipal_report & (is_municipal_official | is_regional_official)),
)
rules.add_perm(
    "reporting.prepare_report",
    is_superuser
    | (is_class_report & (is_class_teacher_of | is_deputy))
    | (is_school_report & (is_deputy | is_director))
    | (is_municipal_report & is_municipal_official),
)
rules.add_perm(
    "reporting.decide_report",
    is_superuser
    | (is_class_report & (is_deputy | is_director))
    | (is_school_report & is_director)
    | (is_municipal_report & is_regional_official),
)
# Drafts and returned versions are the school's own business; officials see approved ones.
rules.add_perm(
    "reporting.view_report_drafts",
    is_superuser
    | (is_class_report & (is_class_teacher_of | is_deputy | is_director | is_social_pedagogue))
    | (is_school_report & (is_deputy | is_director | is_social_pedagogue))
    | (is_municipal_report & is_municipal_official),
)
# The school's deadlines board (reporting/board.py): the deputy, director and social
# pedagogue see every class and the school's own reports; a class teacher only the rows of
# the classes they lead.
rules.add_perm(
    "reporting.view_school_board", is_superuser | is_deputy | is_director | is_social_pedagogue
)
rules.add_perm(
    "reporting.view_board",
    is_superuser
    | has_school_role(Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE, Role.CLASS_TEACHER),
)
# The board's link, on pages without a school.
rules.add_perm(
    "reporting.open_board",
    is_superuser
    | holds_school_role(Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE, Role.CLASS_TEACHER),
)


@rules.predicate
def is_territory_official(user) -> bool:
    return bool(municipality_ids_for_user(user) or region_ids_for_user(user))


# The reports' list in the menu: whoever prepares, decides or receives a report.
rules.add_perm(
    "reporting.open_report_pages",
    is_superuser
    | holds_school_role(Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE)
    | is_territory_official,
)


# The territory's overviews (reporting/views/territory.py): a municipality's schools for its
# officials and the region's; a region's municipalities for the region's; the approved
# reports of a school for the officials over it. Figures and reports only, never a pupil.
@rules.predicate
def oversees_municipality(user, municipality) -> bool:
    return municipality is not None and (
        municipality.pk in municipality_ids_for_user(user)
        or municipality.region_id in region_ids_for_user(user)
    )


@rules.predicate
def oversees_region(user, region) -> bool:
    return region is not None and region.pk in region_ids_for_user(user)


rules.add_perm("reporting.view_municipality", is_superuser | oversees_municipality)
rules.add_perm("reporting.view_region", is_superuser | oversees_region)
rules.add_perm("reporting.view_school_reports", is_superuser | oversees_school)
rules.add_perm("reporting.open_territory_pages", is_superuser | is_territory_official)


# The municipality's consolidation, as its overview offers it: its own specialist composes
# it (for each municipality they serve); the region reads it once submitted, the
# municipality at any stage. The object is the municipality's page, i.e. a
# (municipality, consolidation submission) pair from reporting.selectors_territory.
@rules.predicate
def serves_municipality(user, municipality) -> bool:
    return municipality is not None and municipality.pk in municipality_ids_for_user(user)


@rules.predicate
def consolidation_not_opened(_user, page) -> bool:
    _municipality, submission = page
    return submission is not None and submission.report_id is None


@rules.predicate
def consolidation_readable(user, page) -> bool:
    municipality, submission = page
    if submission is None or submission.report_id is None:
        return False
    return (
        user.is_superuser
        or serves_municipality(user, municipality)
        or submission.status != Status.DRAFT
        or submission.approved
    )


@rules.predicate
def serves_page_municipality(user, page) -> bool:
    return serves_municipality(user, page[0])


@rules.predicate
def oversees_page_municipality(user, page) -> bool:
    return oversees_municipality(user, page[0])


rules.add_perm(
    "reporting.compose_consolidation", serves_page_municipality & consolidation_not_opened
)
rules.add_perm(
    "reporting.read_consolidation",
    (is_superuser | oversees_page_municipality) & consolidation_readable,
)
