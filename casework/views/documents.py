"""Documents of the case: memo, characteristic, dossier (R-C-8, R-C-10, R-T-3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import timeline
from ..forms import CharacteristicForm, MemoForm
from ..selectors import get_case_for_user
from ..selectors.plan import get_characteristic_for_user, get_memo_for_user
from ..services import (
    CaseworkError,
    create_characteristic,
    create_memo,
    update_characteristic,
    update_memo,
)
from ..services.documents import (
    CHARACTERISTIC_SECTIONS,
    characteristic_draft,
    memo_draft,
    render_characteristic,
    render_memo,
    streak_alert,
)


def _to_case(case) -> HttpResponse:
    return redirect("casework:case_detail", case_id=case.pk)


def _page(request, template: str, **context) -> HttpResponse:
    return render(request, f"casework/documents/{template}", context)


@login_required
def memo_create(request: HttpRequest, case_id: int) -> HttpResponse:
    """The class teacher's memo to the director (R-T-3), prefilled from the absences."""
    case = get_case_for_user(request.user, case_id, perm="casework.work_case")
    initial = {"date": timezone.localdate(), **memo_draft(case)} if request.method == "GET" else {}
    form = MemoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            create_memo(case=case, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Докладная записка сохранена."))
            return _to_case(case)
    return _page(
        request,
        "memo_form.html",
        case=case,
        form=form,
        alert=streak_alert(case),
        title=_("Докладная записка директору"),
    )


@login_required
def memo_edit(request: HttpRequest, memo_id: int) -> HttpResponse:
    memo = get_memo_for_user(request.user, memo_id, perm="casework.work_case")
    form = MemoForm(
        request.POST or None,
        initial={"date": memo.date, "addressee": memo.addressee, "text": memo.text},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_memo(memo=memo, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Докладная записка сохранена."))
            return _to_case(memo.case)
    return _page(
        request,
        "memo_form.html",
        case=memo.case,
        memo=memo,
        form=form,
        title=_("Изменить докладную записку"),
    )


@login_required
def memo_pdf(request: HttpRequest, memo_id: int) -> HttpResponse:
    memo = get_memo_for_user(request.user, memo_id)
    document = render_memo(memo)
    timeline.log_case_read(request.user, memo.case, what="memo")
    return document.as_response()


@login_required
def characteristic_create(request: HttpRequest, case_id: int) -> HttpResponse:
    """The student's characteristic for the council or the КДН (R-C-8), prefilled where
    the data allows (the family's flags and guardians, the absences)."""
    case = get_case_for_user(request.user, case_id, perm="casework.work_case")
    initial = (
        {"date": timezone.localdate(), **characteristic_draft(case)}
        if request.method == "GET"
        else {}
    )
    form = CharacteristicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            create_characteristic(case=case, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Характеристика сохранена."))
            return _to_case(case)
    return _page(
        request,
        "characteristic_form.html",
        case=case,
        form=form,
        title=_("Характеристика на обучающегося"),
    )


@login_required
def characteristic_edit(request: HttpRequest, characteristic_id: int) -> HttpResponse:
    characteristic = get_characteristic_for_user(
        request.user, characteristic_id, perm="casework.work_case"
    )
    initial = {
        name: getattr(characteristic, name)
        for name in ("date", "addressee", *CHARACTERISTIC_SECTIONS)
    }
    form = CharacteristicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_characteristic(
                characteristic=characteristic, acting_user=request.user, **form.cleaned_data
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Характеристика сохранена."))
            return _to_case(characteristic.case)
    return _page(
        request,
        "characteristic_form.html",
        case=characteristic.case,
        characteristic=characteristic,
        form=form,
        title=_("Изменить характеристику"),
    )


@login_required
def characteristic_pdf(request: HttpRequest, characteristic_id: int) -> HttpResponse:
    characteristic = get_characteristic_for_user(request.user, characteristic_id)
    document = render_characteristic(characteristic)
    timeline.log_case_read(request.user, characteristic.case, what="characteristic")
    return document.as_response()


urlpatterns: list = [
    path("cases/<int:case_id>/memos/new/", memo_create, name="memo_create"),
    path("memos/<int:memo_id>/edit/", memo_edit, name="memo_edit"),
    path("memos/<int:memo_id>/pdf/", memo_pdf, name="memo_pdf"),
    path(
        "cases/<int:case_id>/characteristics/new/",
        characteristic_create,
        name="characteristic_create",
    ),
    path(
        "characteristics/<int:characteristic_id>/edit/",
        characteristic_edit,
        name="characteristic_edit",
    ),
    path(
        "characteristics/<int:characteristic_id>/pdf/",
        characteristic_pdf,
        name="characteristic_pdf",
    ),
    # The dossier (R-C-10) joins here.
]


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_documents.html):
    the memos and characteristics (two queries) and whether the user may write them."""
    return {
        "memos": list(case.memos.select_related("author")),
        "characteristics": list(case.characteristics.select_related("author")),
        "can_write": case.is_active and request.user.has_perm("casework.work_case", case),
    }
