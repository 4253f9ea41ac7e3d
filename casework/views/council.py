"""The prevention council: sessions, hearings, assignments, conclusions (R-C-4); the registry and the observation diary (R-C-5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from journal.forms import first_error
from printing.pdf import render_pdf

from .. import timeline
from ..forms.council import (
    AgendaCaseForm,
    AssignmentFormSet,
    ConclusionDecisionForm,
    HearingForm,
    ObservationForm,
    PutOnSessionForm,
    RegistryFilterForm,
    RemovalForm,
    SessionForm,
    monthly_agenda,
)
from ..models import Conclusion, CouncilHearing, ObservationEntry, RegistryPlacement
from ..selectors import get_case_for_user
from ..selectors.council import (
    COUNCIL_READER_ROLES,
    REGISTRY_READER_ROLES,
    attach_classes,
    get_conclusion_for_user,
    get_diary_for_user,
    get_hearing_for_user,
    get_placement_for_user,
    get_school_for_page,
    get_session_for_user,
    hearings_of_session,
    observations_of,
    open_sessions,
    positions,
    queued_repeats,
    registry_of,
    school_staff,
    sessions_of,
    waiting_cases,
)
from ..services import (
    CaseworkError,
    add_observation,
    approve_conclusion,
    create_session,
    put_on_session,
    record_hearing,
    reject_conclusion,
    remove_from_registry,
    update_session,
)
from ..services.council import first_holder

PAGE_SIZE = 50
COUNCIL_MANAGER_ROLES = ("social_pedagogue", "deputy", "director")


def _to_session(session) -> HttpResponse:
    return redirect("casework:council_session", session_id=session.pk)


# Sessions ---------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """The school's sessions, the repeat hearings waiting for one, and the conclusions
    waiting for the director."""
    school = get_school_for_page(
        request.user,
        request.GET.get("school"),
        perm="casework.view_council",
        roles=COUNCIL_READER_ROLES,
    )
    page = Paginator(sessions_of(school), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "page": page,
        "query": f"school={school.pk}",
        "repeats": list(queued_repeats(school)),
        "drafts": list(
            Conclusion.objects.filter(school=school, status=Conclusion.Status.DRAFT)
            .select_related("hearing__case__student", "hearing__session")
            .order_by("created_at")
        ),
        "can_manage": request.user.has_perm("casework.manage_council", school),
        "can_view_registry": request.user.has_perm("casework.view_registry", school),
    }
    return render(request, "casework/council/session_list.html", context)


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    school = get_school_for_page(
        request.user,
        request.GET.get("school"),
        perm="casework.manage_council",
        roles=COUNCIL_MANAGER_ROLES,
    )
    today = timezone.localdate()
    form = SessionForm(
        request.POST or None,
        staff=school_staff(school),
        initial={"date": today, "agenda": monthly_agenda(today)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The form's fields are the session's: date, number, chair, secretary, members,
            # invited, agenda.
            session = create_session(school=school, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Заседание запланировано. Включите дела в повестку."))
            return _to_session(session)
    return render(
        request,
        "casework/council/session_form.html",
        {"form": form, "school": school, "title": _("Новое заседание Совета профилактики")},
    )


@login_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, perm="casework.manage_council")
    initial = {
        "date": session.date,
        "number": session.number,
        "chair": session.chair,
        "secretary": session.secretary,
        "members": list(session.members_present.all()),
        "invited": session.invited,
        "agenda": session.agenda,
    }
    form = SessionForm(request.POST or None, staff=school_staff(session.school), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_session(session=session, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Заседание изменено."))
            return _to_session(session)
    return render(
        request,
        "casework/council/session_form.html",
        {
            "form": form,
            "school": session.school,
            "session": session,
            "title": _("Заседание Совета профилактики"),
        },
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    can_manage = request.user.has_perm("casework.manage_council", session)
    members = list(session.members_present.order_by("last_name", "first_name"))
    context = {
        "session": session,
        "members": members,
        "hearings": hearings_of_session(session),
        "can_manage": can_manage,
        "today": timezone.localdate(),
    }
    if can_manage:
        context["agenda_form"] = AgendaCaseForm(cases=waiting_cases(session.school))
    return render(request, "casework/council/session_detail.html", context)


@login_required
@require_POST
def session_add_case(request: HttpRequest, session_id: int) -> HttpResponse:
    """Put a case of the school on the session's agenda (from the session page)."""
    session = get_session_for_user(request.user, session_id, perm="casework.manage_council")
    form = AgendaCaseForm(request.POST, cases=waiting_cases(session.school))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _to_session(session)
    case = waiting_cases(session.school).get(pk=form.cleaned_data["case"])
    try:
        put_on_session(session=session, case=case, acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Дело включено в повестку."))
    return _to_session(session)


@login_required
@require_POST
def case_put_on_session(request: HttpRequest, case_id: int) -> HttpResponse:
    """Put the case on a planned session of its school (from the case page)."""
    case = get_case_for_user(request.user, case_id, perm="casework.manage_council")
    form = PutOnSessionForm(request.POST, sessions=open_sessions(case.school))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("casework:case_detail", case_id=case.pk)
    session = open_sessions(case.school).get(pk=form.cleaned_data["session"])
    try:
        put_on_session(session=session, case=case, acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
        return redirect("casework:case_detail", case_id=case.pk)
    messages.success(request, _("Дело включено в повестку заседания."))
    return _to_session(session)


@login_required
@require_GET
def session_protocol(request: HttpRequest, session_id: int) -> HttpResponse:
    """The protocol of the session (PDF); reading it is audited for each child heard."""
    session = get_session_for_user(request.user, session_id)
    hearings = hearings_of_session(session)
    members = list(session.members_present.order_by("last_name", "first_name"))
    for hearing in hearings:
        timeline.log_case_read(request.user, hearing.case, what="council_protocol")
    titles = positions(session.school, [*members, session.chair, session.secretary])
    document = render_pdf(
        "casework/print/council_protocol.html",
        {
            "session": session,
            "school": session.school,
            "members": [(member, titles.get(member.pk, "")) for member in members],
            "chair_position": titles.get(session.chair_id, ""),
            "secretary_position": titles.get(session.secretary_id, ""),
            "hearings": hearings,
        },
        filename=f"Протокол Совета профилактики {session.date:%d.%m.%Y}.pdf",
    )
    return document.as_response()


# Hearings ---------------------------------------------------------------------------------


@login_required
def hearing_detail(request: HttpRequest, hearing_id: int) -> HttpResponse:
    """A case heard at a session: what was decided, or — for the council's secretary —
    the form to record it."""
    perm = "casework.manage_council" if request.method == "POST" else "casework.view_council"
    hearing = get_hearing_for_user(request.user, hearing_id, perm=perm)
    can_record = (
        not hearing.held
        and hearing.session is not None
        and hearing.case.is_active
        and request.user.has_perm("casework.manage_council", hearing)
    )
    staff = school_staff(hearing.school)
    form = formset = None
    if can_record:
        data = request.POST if request.method == "POST" else None
        form = HearingForm(data, is_repeat=hearing.is_repeat)
        formset = AssignmentFormSet(data, prefix="assignments", form_kwargs={"staff": staff})
        if data is not None and form.is_valid() and formset.is_valid():
            try:
                record_hearing(
                    hearing=hearing,
                    acting_user=request.user,
                    assignments=[f.as_data() for f in formset.forms if f.has_changed()],
                    **form.service_kwargs(),
                )
            except CaseworkError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Рассмотрение записано."))
                return redirect("casework:council_hearing", hearing_id=hearing.pk)
    elif request.method == "POST":
        messages.error(request, _("Рассмотрение уже записано или дело закрыто."))
        return redirect("casework:council_hearing", hearing_id=hearing.pk)
    context = {
        "hearing": hearing,
        "case": hearing.case,
        "assignments": list(hearing.assignments.select_related("assignee", "task")),
        "conclusion": Conclusion.objects.filter(hearing=hearing).first(),
        "form": form,
        "formset": formset,
        "can_view_case": request.user.has_perm("casework.view_case", hearing.case),
    }
    return render(request, "casework/council/hearing.html", context)


# Conclusions ------------------------------------------------------------------------------


@login_required
def conclusion_detail(request: HttpRequest, conclusion_id: int) -> HttpResponse:
    """The conclusion and, for the director, the approval (alg. 14)."""
    perm = "casework.approve_conclusion" if request.method == "POST" else "casework.view_council"
    conclusion = get_conclusion_for_user(request.user, conclusion_id, perm=perm)
    can_decide = conclusion.status == Conclusion.Status.DRAFT and request.user.has_perm(
        "casework.approve_conclusion", conclusion
    )
    form = None
    if can_decide:
        form = ConclusionDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            decide = (
                approve_conclusion
                if form.cleaned_data["decision"] == Conclusion.Status.APPROVED
                else reject_conclusion
            )
            try:
                decide(
                    conclusion=conclusion,
                    acting_user=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except CaseworkError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Решение по заключению записано."))
                return redirect("casework:council_conclusion", conclusion_id=conclusion.pk)
    elif request.method == "POST":
        messages.error(request, _("Заключение уже рассмотрено."))
        return redirect("casework:council_conclusion", conclusion_id=conclusion.pk)
    context = {
        "conclusion": conclusion,
        "hearing": conclusion.hearing,
        "placement": RegistryPlacement.objects.filter(conclusion=conclusion).first(),
        "form": form,
    }
    return render(request, "casework/council/conclusion.html", context)


@login_required
@require_GET
def conclusion_pdf(request: HttpRequest, conclusion_id: int) -> HttpResponse:
    conclusion = get_conclusion_for_user(request.user, conclusion_id)
    hearing = conclusion.hearing
    timeline.log_case_read(request.user, hearing.case, what="conclusion")
    director = conclusion.decided_by
    if director is None:
        director = first_holder(conclusion.school, "director")
    document = render_pdf(
        "casework/print/conclusion.html",
        {
            "conclusion": conclusion,
            "hearing": hearing,
            "session": hearing.session,
            "student": hearing.case.student,
            "school_class": timeline.class_of(hearing.case),
            "school": conclusion.school,
            "director": director,
        },
        filename=f"Заключение {hearing.case.student.short_name}.pdf",
    )
    return document.as_response()


# Registry ---------------------------------------------------------------------------------


@login_required
@require_GET
def registry_list(request: HttpRequest) -> HttpResponse:
    """The school's registry: who is on it, since when, on what basis."""
    school = get_school_for_page(
        request.user,
        request.GET.get("school"),
        perm="casework.view_registry",
        roles=REGISTRY_READER_ROLES,
    )
    form = RegistryFilterForm(request.GET or None)
    removed = form.is_valid() and form.cleaned_data["removed"]
    page = Paginator(registry_of(school, include_removed=removed), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    attach_classes(page.object_list, school, timezone.localdate())
    context = {
        "school": school,
        "form": form,
        "page": page,
        "removed": removed,
        "query": f"school={school.pk}" + ("&removed=on" if removed else ""),
        "can_manage": request.user.has_perm("casework.manage_registry", school),
    }
    return render(request, "casework/registry/list.html", context)


@login_required
def registry_remove(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, placement_id, perm="casework.manage_registry")
    if placement.removed_on is not None:
        messages.info(request, _("Обучающийся уже снят с учёта."))
        return redirect(f"{_registry_url(placement)}&removed=on")
    form = RemovalForm(request.POST or None, initial={"removed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            remove_from_registry(
                placement=placement,
                removed_on=form.cleaned_data["removed_on"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Обучающийся снят с внутришкольного учёта."))
            return redirect(_registry_url(placement))
    return render(request, "casework/registry/remove.html", {"placement": placement, "form": form})


def _registry_url(placement) -> str:
    return f"{reverse('casework:registry')}?school={placement.school_id}"


@login_required
def registry_diary(request: HttpRequest, placement_id: int) -> HttpResponse:
    """The observation diary of a registered child: read by whoever reads the case, kept
    by whoever works it."""
    perm = "casework.work_case" if request.method == "POST" else "casework.view_case"
    placement = get_diary_for_user(request.user, placement_id, perm=perm)
    can_write = placement.is_active and request.user.has_perm("casework.work_case", placement.case)
    form = None
    if can_write:
        form = ObservationForm(request.POST or None, initial={"date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                add_observation(placement=placement, acting_user=request.user, **form.cleaned_data)
            except CaseworkError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Запись добавлена в дневник наблюдений."))
                return redirect("casework:registry_diary", placement_id=placement.pk)
    elif request.method == "POST":
        messages.error(request, _("Обучающийся снят с учёта: дневник закрыт."))
        return redirect("casework:registry_diary", placement_id=placement.pk)
    page = Paginator(observations_of(placement), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "placement": placement,
        "case": placement.case,
        "page": page,
        "form": form,
        "school_class": timeline.class_of(placement.case),
    }
    return render(request, "casework/registry/diary.html", context)


urlpatterns: list = [
    path("council/", session_list, name="council_sessions"),
    path("council/new/", session_create, name="council_session_create"),
    path("council/<int:session_id>/", session_detail, name="council_session"),
    path("council/<int:session_id>/edit/", session_edit, name="council_session_edit"),
    path("council/<int:session_id>/cases/", session_add_case, name="council_session_add_case"),
    path("council/<int:session_id>/protocol/", session_protocol, name="council_protocol"),
    path("council/hearings/<int:hearing_id>/", hearing_detail, name="council_hearing"),
    path("council/conclusions/<int:conclusion_id>/", conclusion_detail, name="council_conclusion"),
    path(
        "council/conclusions/<int:conclusion_id>/pdf/",
        conclusion_pdf,
        name="council_conclusion_pdf",
    ),
    path("cases/<int:case_id>/council/", case_put_on_session, name="case_put_on_session"),
    path("registry/", registry_list, name="registry"),
    path("registry/<int:placement_id>/remove/", registry_remove, name="registry_remove"),
    path("registry/<int:placement_id>/diary/", registry_diary, name="registry_diary"),
]


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_council.html):
    the hearings with their conclusions, the sessions the case can be put on, the registry
    placement and the diary's latest entries. Four queries at most."""
    user = request.user
    hearings = list(
        CouncilHearing.objects.filter(case=case)
        .select_related("session", "conclusion")
        .order_by("-pk")
    )
    placement = (
        RegistryPlacement.objects.filter(case=case, removed_on__isnull=True)
        .select_related("conclusion")
        .first()
    )
    section = {
        "hearings": hearings,
        "placement": placement,
        "observations": [],
        "can_view_council": user.has_perm("casework.view_council", case),
        "can_manage_council": case.is_active and user.has_perm("casework.manage_council", case),
        "can_work": user.has_perm("casework.work_case", case),
    }
    if placement is not None:
        section["observations"] = list(
            ObservationEntry.objects.filter(placement=placement)
            .select_related("author")
            .order_by("-date", "-pk")[:3]
        )
    on_session = any(h.session_id and not h.held for h in hearings)
    if section["can_manage_council"] and not on_session:
        sessions = list(open_sessions(case.school).order_by("date", "pk"))
        if sessions:
            section["put_form"] = PutOnSessionForm(sessions=sessions, auto_id="id_council_%s")
    return section
