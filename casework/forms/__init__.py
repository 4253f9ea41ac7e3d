"""Forms of casework, one module per topic."""

from .cases import (
    CaseFilterForm,
    CaseResponsibleForm,
    CaseStatusForm,
    FamilyCentreForm,
    OpenCaseForm,
)
from .contacts import ParentContactForm

__all__ = [
    "CaseFilterForm",
    "CaseResponsibleForm",
    "CaseStatusForm",
    "FamilyCentreForm",
    "OpenCaseForm",
    "ParentContactForm",
]
