"""Forms of casework, one module per topic."""

from .cases import (
    CaseFilterForm,
    CaseResponsibleForm,
    CaseStatusForm,
    FamilyCentreForm,
    OpenCaseForm,
)
from .contacts import ParentContactForm
from .council import (
    AgendaCaseForm,
    AssignmentForm,
    AssignmentFormSet,
    ConclusionDecisionForm,
    HearingForm,
    ObservationForm,
    PutOnSessionForm,
    RegistryFilterForm,
    RemovalForm,
    SessionForm,
)
from .documents import CharacteristicForm, MemoForm
from .plan import CompletePlanForm, ControlForm, MeasureForm, MeasureOutcomeForm, PlanForm
from .referrals import (
    ReferralAnswerForm,
    ReferralEditForm,
    ReferralForm,
    ReferralSentForm,
    SopForm,
)
from .visits import CancelVisitForm, HomeVisitActForm, ParentsInformedForm, VisitPlanForm

__all__ = [
    # council and registry
    "AgendaCaseForm",
    "AssignmentForm",
    "AssignmentFormSet",
    "ConclusionDecisionForm",
    "HearingForm",
    "ObservationForm",
    "PutOnSessionForm",
    "RegistryFilterForm",
    "RemovalForm",
    "SessionForm",
    # referrals and СОП
    "ReferralAnswerForm",
    "ReferralEditForm",
    "ReferralForm",
    "ReferralSentForm",
    "SopForm",
    # home visits
    "CancelVisitForm",
    "HomeVisitActForm",
    "ParentsInformedForm",
    "VisitPlanForm",
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
