"""Forms of casework, one module per topic."""

from .cases import (
    CaseFilterForm,
    CaseResponsibleForm,
    CaseStatusForm,
    FamilyCentreForm,
    OpenCaseForm,
)
from .contacts import ParentContactForm
from .documents import CharacteristicForm, MemoForm
from .plan import CompletePlanForm, ControlForm, MeasureForm, MeasureOutcomeForm, PlanForm

__all__ = [
    # plan and documents
    "CharacteristicForm",
    "CompletePlanForm",
    "ControlForm",
    "MeasureForm",
    "MeasureOutcomeForm",
    "MemoForm",
    "PlanForm",
    "CaseFilterForm",
    "CaseResponsibleForm",
    "CaseStatusForm",
    "FamilyCentreForm",
    "OpenCaseForm",
    "ParentContactForm",
]
