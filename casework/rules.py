"""Who may do what in casework (spec §1, R-C). obj is a Student."""

import rules

from accounts.roles import Role
from accounts.rules import has_school_role, is_class_teacher_of, is_psychologist_of_school

# Parent contacts are kept by the class teacher; the social pedagogue, the deputy and the
# director work the whole school's cases.
contact_keepers = is_class_teacher_of | has_school_role(
    Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR
)

rules.add_perm("casework.log_parent_contact", contact_keepers)
rules.add_perm("casework.view_parent_contacts", contact_keepers | is_psychologist_of_school)
