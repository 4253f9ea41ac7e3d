"""The school's open alerts for the deputy, director and social pedagogue, and «Пересчитать».

The button queues a full evaluation of the school (``alerts.services.start_full_evaluation``)
and opens a page that polls the run's progress every two seconds (htmx).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from schools.models import School
from schools.selectors import current_classes, get_school_for_user

from ..forms import RecalculateForm, SchoolAlertsFilterForm
from ..models import EvaluationRun, Rule
from ..rules import school_alerts_school_ids
from ..selectors import (
    get_evaluation_run_for_user,
    get_school_for_alerts,
    open_alerts_of_school,
    with_class,
)
from ..services import start_full_evaluation
from .common import PAGE_SIZE

# A run still queued or running after this long is taken for lost: a new one may start.

SUMMARY_LABELS = (
    ("students", gettext_lazy("Проверено обучающихся с пропусками")),
    ("fired", gettext_lazy("Новых сигналов")),
    ("updated", gettext_lazy("Обновлено сигналов")),
    ("reopened", gettext_lazy("Возобновлено сигналов")),
    ("resolved", gettext_lazy("Снято сигналов")),
    ("tasks", gettext_lazy("Открыто задач")),
)


@login_required
@require_GET
def school_alerts(request: HttpRequest) -> HttpResponse:
    user = request.user
    school = get_school_for_alerts(request.user, request.GET.get("school", ""))
    classes = current_classes(school)
    form = SchoolAlertsFilterForm(request.GET, classes=classes)
    filters = form.filters()
    alerts = open_alerts_of_school(school, school_class_id=filters["school_class"])
    labels = dict(Rule.choices)
    spec_order = {rule: number for number, rule in enumerate(Rule.values)}  # as in spec §4
    rows = alerts.values("rule").annotate(count=Count("pk")).order_by()
    by_rule = [
        {"rule": row["rule"], "label": labels.get(row["rule"], row["rule"]), "count": row["count"]}
        for row in sorted(
            rows, key=lambda row: (spec_order.get(row["rule"], len(spec_order)), row["rule"])
        )
    ]
    if filters["rule"]:
        alerts = alerts.filter(rule=filters["rule"])
    listed = with_class(alerts.select_related("student")).order_by("-fired_at", "-pk")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    other_schools = school_alerts_school_ids(user) - {school.pk}
    context = {
        "school": school,
        "form": form,
        "by_rule": by_rule,
        "total": sum(row["count"] for row in by_rule),
        "page": page,
        "query": query.urlencode(),
        "schools": (
            School.objects.filter(pk__in=other_schools | {school.pk}).order_by("short_name")
            if other_schools
            else []
        ),
        "latest_run": EvaluationRun.objects.filter(school=school).first(),
        "can_recalculate": user.has_perm("alerts.run_evaluation", school),
    }
    return render(request, "alerts/school_alerts.html", context)


@login_required
@require_POST
def recalculate(request: HttpRequest) -> HttpResponse:
    """«Пересчитать»: a full evaluation of the school; a run already under way is reused."""
    form = RecalculateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Не указана школа."))
    school = get_school_for_user(
        request.user, form.cleaned_data["school"], perm="alerts.run_evaluation"
    )
    run, created = start_full_evaluation(school=school, acting_user=request.user)
    if not created:
        messages.info(request, _("Пересчёт по школе уже выполняется."))
    return redirect("alerts:run", run.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's progress; htmx polls the fragment every 2 s until the run is over."""
    run = get_evaluation_run_for_user(request.user, run_id)
    finished = run.status in (EvaluationRun.Status.DONE, EvaluationRun.Status.FAILED)
    context = {
        "run": run,
        "finished": finished,
        "summary": [
            (label, run.summary[key]) for key, label in SUMMARY_LABELS if key in run.summary
        ],
    }
    template = "alerts/_run_progress.html" if request.htmx else "alerts/run.html"
    return render(request, template, context)
