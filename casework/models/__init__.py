"""Prevention casework (R-C), one module per topic."""

from .case import Case, FamilyCentreStatus, ParentContact
from .council import Conclusion, CouncilAssignment, CouncilHearing, CouncilSession
from .plan import MeasureKind, PlanControl, PlanMeasure, PreventionPlan
from .referrals import Body, Characteristic, Memo, Referral
from .registry import ObservationEntry, RegistryPlacement
from .visits import HomeVisit

__all__ = [
    "Body",
    "Case",
    "Characteristic",
    "Conclusion",
    "CouncilAssignment",
    "CouncilHearing",
    "CouncilSession",
    "FamilyCentreStatus",
    "HomeVisit",
    "MeasureKind",
    "Memo",
    "ObservationEntry",
    "ParentContact",
    "PlanControl",
    "PlanMeasure",
    "PreventionPlan",
    "Referral",
    "RegistryPlacement",
]
