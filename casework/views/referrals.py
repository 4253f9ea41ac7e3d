"""Referrals and notifications to outside bodies, СОП (R-C-7)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journal.forms import first_error
from printing.pdf import render_pdf

from .. import timeline
from ..forms.referrals import (
    ReferralAnswerForm,
    ReferralEditForm,
    ReferralForm,
    ReferralSentForm,
    SopForm,
)
from ..models import Body, Referral
from ..selectors import get_case_for_user
from ..selectors.referrals import (
    case_referrals,
    get_referral_for_user,
    school_psychologists,
    signatory,
)
from ..services.common import CaseworkError
from ..services.referrals import (
    create_referral,
    mark_referral_sent,
    mark_sop,
    record_referral_answer,
    short_name,
    update_referral,
)

MANAGE = "casework.manage_referrals"


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_referrals.html)."""
    referrals = case_referrals(case)
    for referral in referrals:
        referral.short_body = short_name(referral.body)
    sop = [r for r in referrals if r.purpose == Referral.Purpose.SOP]
    return {
        "referrals": referrals,
        "can_manage": case.is_active and request.user.has_perm(MANAGE, case),
        "can_mark_sop": case.is_active
        and not sop
        and request.user.has_perm("casework.mark_sop", case),
        "sop": case.student.socially_dangerous_position,
        "sop_referrals": sop,
        "sop_pending": [r for r in sop if r.status == Referral.Status.DRAFT],
    }


@login_required
def referral_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, perm=MANAGE)
    psychologists = school_psychologists(case.school)
    initial = {"body": request.GET.get("body")} if request.GET.get("body") in Body.values else {}
    form = ReferralForm(request.POST or None, psychologists=psychologists, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = create_referral(
                case=case,
                body=data["body"],
                purpose=data["purpose"],
                psychologist=data["psychologist"],
                addressee=data["addressee"],
                text=data["text"],
                due_date=data["due_date"],
                acting_user=request.user,
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Направление подготовлено: проверьте текст письма."))
            return redirect("casework:referral_detail", referral_id=referral.pk)
    return render(
        request,
        "casework/referrals/referral_form.html",
        {"case": case, "form": form, "has_psychologists": bool(psychologists)},
    )


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    case = referral.case
    can_manage = request.user.has_perm(MANAGE, case)
    context = {
        "referral": referral,
        "case": case,
        "can_manage": can_manage,
        "short_body": short_name(referral.body),
        "today": timezone.localdate(),
    }
    if can_manage and referral.status == Referral.Status.DRAFT:
        context["edit_form"] = ReferralEditForm(
            initial={
                "addressee": referral.addressee,
                "due_date": referral.due_date,
                "text": referral.text,
            }
        )
        context["sent_form"] = ReferralSentForm(initial={"sent_on": timezone.localdate()})
    if can_manage and referral.status == Referral.Status.SENT:
        context["answer_form"] = ReferralAnswerForm(
            referral=referral, initial={"answer_on": timezone.localdate()}
        )
    return render(request, "casework/referrals/referral_detail.html", context)


def _back(referral: Referral) -> HttpResponse:
    return redirect("casework:referral_detail", referral_id=referral.pk)


@login_required
@require_POST
def referral_edit(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, perm=MANAGE)
    form = ReferralEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(referral)
    try:
        update_referral(referral=referral, acting_user=request.user, **form.cleaned_data)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Письмо сохранено."))
    return _back(referral)


@login_required
@require_POST
def referral_sent(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, perm=MANAGE)
    form = ReferralSentForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(referral)
    try:
        mark_referral_sent(referral=referral, acting_user=request.user, **form.cleaned_data)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Отмечено: письмо направлено."))
    return _back(referral)


@login_required
@require_POST
def referral_answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, perm=MANAGE)
    form = ReferralAnswerForm(request.POST, referral=referral)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(referral)
    data = form.cleaned_data
    try:
        record_referral_answer(
            referral=referral,
            answer_on=data["answer_on"],
            answer=data["answer"],
            family_centre_status=data.get("family_centre_status", ""),
            acting_user=request.user,
        )
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Ответ записан."))
    return _back(referral)


def letter_context(referral: Referral) -> dict:
    case = referral.case
    position, director = signatory(case.school)
    if referral.purpose == Referral.Purpose.SOP:
        title, subtitle = _("Информация"), _("о семье, находящейся в социально опасном положении")
    elif referral.body == Body.PSYCHOLOGIST:
        title, subtitle = _("Направление"), _("к педагогу-психологу")
    else:
        title, subtitle = _("Информация"), _("о систематических пропусках учебных занятий")
    return {
        "referral": referral,
        "case": case,
        "school": case.school,
        "student": case.student,
        "title": title,
        "subtitle": subtitle,
        "paragraphs": [part for part in referral.text.split("\n\n") if part.strip()],
        "signatory_position": position,
        "signatory_name": director,
        "author": referral.created_by,
    }


@login_required
def referral_letter(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The letter as PDF (an official letter on the school's behalf); reading it is audited."""
    referral = get_referral_for_user(request.user, referral_id, perm="casework.work_case")
    timeline.log_case_read(request.user, referral.case, what="referral_letter")
    document = render_pdf(
        "casework/print/referral_letter.html",
        letter_context(referral),
        filename=f"Письмо ({short_name(referral.body)}) — {referral.case.student.short_name}.pdf",
    )
    return document.as_response()


@login_required
def case_sop(request: HttpRequest, case_id: int) -> HttpResponse:
    """Alg. 23: mark the family as in a socially dangerous position (СОП)."""
    case = get_case_for_user(request.user, case_id, perm="casework.mark_sop")
    form = SopForm(request.POST or None, initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            mark_sop(
                case=case,
                circumstances=form.cleaned_data["circumstances"],
                found_on=form.cleaned_data["found_on"],
                acting_user=request.user,
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Семья отмечена как находящаяся в СОП. Подготовлены письма в КДН и ЗП, "
                    "орган опеки, учреждение соцзащиты и отдел полиции — направьте их сегодня."
                ),
            )
            return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/referrals/sop_form.html", {"case": case, "form": form})


urlpatterns: list = [
    path("cases/<int:case_id>/referrals/new/", referral_new, name="referral_new"),
    path("cases/<int:case_id>/sop/", case_sop, name="case_sop"),
    path("referrals/<int:referral_id>/", referral_detail, name="referral_detail"),
    path("referrals/<int:referral_id>/edit/", referral_edit, name="referral_edit"),
    path("referrals/<int:referral_id>/sent/", referral_sent, name="referral_sent"),
    path("referrals/<int:referral_id>/answer/", referral_answer, name="referral_answer"),
    path("referrals/<int:referral_id>/letter/", referral_letter, name="referral_letter"),
]
