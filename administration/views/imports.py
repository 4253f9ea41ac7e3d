"""Bulk import pages (issue #15 point 3): the upload with the templates to download, the
job page with the dry run's row-by-row report, the apply button and the progress (polled
by htmx every second while a step runs), the report as XLSX.

Views are thin: ``administration.imports.runner`` checks and writes; big files are checked
by a Celery task, every apply is one (in-process when there is no broker)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_object_for_user
from audit.services import log_action
from printing.xlsx import Sheet, Table, render_xlsx

from ..forms_import import ImportForm
from ..imports.runner import IMPORTERS, check_job, start_apply
from ..models import ImportJob
from ..selectors import current_year, get_managed_school
from ..tasks import apply_import, check_import

# Files up to this size are checked while the upload waits; bigger ones in the background.
INLINE_CHECK_BYTES = 200 * 1024
RECENT_JOBS = 10


def get_import_job(user, pk) -> ImportJob:
    queryset = ImportJob.objects.select_related("school", "school_class", "created_by").defer(
        "content"
    )
    return get_object_for_user(user, queryset, perm="schools.manage_school", pk=pk)


@login_required
def import_index(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    year = current_year(school)
    form = ImportForm(request.POST or None, request.FILES or None, school=school, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = ImportJob.objects.create(
            school=school,
            kind=data["kind"],
            created_by=request.user,
            file_name=data["file"].name[:200],
            file_format=form.file_format,
            content=form.content,
            school_class=data["school_class"] if data["kind"] == ImportJob.Kind.STUDENTS else None,
            start_date=data["start_date"] if data["kind"] == ImportJob.Kind.STUDENTS else None,
        )
        log_action(
            actor=request.user,
            action="administration.import.uploaded",
            obj=job,
            school=school,
            data={"kind": job.kind, "file": job.file_name, "bytes": len(form.content)},
        )
        if len(form.content) <= INLINE_CHECK_BYTES:
            check_job(ImportJob.objects.select_related("school", "created_by").get(pk=job.pk))
        else:
            # Committed already (no ATOMIC_REQUESTS): a worker finds the job.
            check_import.delay(job.pk)
        return redirect("administration:import_job", job_id=job.pk)
    jobs = (
        ImportJob.objects.filter(school=school)
        .select_related("created_by")
        .defer("content", "errors", "credentials")[:RECENT_JOBS]
    )
    context = {
        "school": school,
        "year": year,
        "form": form,
        "kinds": ImportJob.Kind.choices,
        "jobs": list(jobs),
    }
    return render(request, "administration/import.html", context)


@login_required
def import_template(request, school_id: int, kind: str):
    school = get_managed_school(request.user, school_id)
    if kind not in IMPORTERS:
        raise Http404
    importer = IMPORTERS[kind]
    columns = importer.columns
    data = Sheet(
        title=str(importer.title),
        tables=[
            Table(
                columns=[c.title for c in columns],
                rows=[[c.sample for c in columns]],
                widths=[max(14, len(c.title) + 2) for c in columns],
            )
        ],
        freeze_header=True,
    )
    notes = Sheet(
        title=_("Пояснения"),
        heading=[
            _("Заполните первый лист: одна строка — один человек (урок расписания)."),
            _("Первая строка — заголовки, не меняйте их; строку-образец замените своими данными."),
            _("Даты — в виде 01.09.2015. Столбцы со звёздочкой обязательны."),
        ],
        tables=[
            Table(
                columns=[_("Столбец"), _("Обязательный"), _("Пояснение")],
                rows=[[c.title, _("да") if c.required else "", c.hint] for c in columns],
                widths=[36, 14, 70],
            )
        ],
    )
    filename = _("шаблон — %(kind)s — %(school)s.xlsx") % {
        "kind": importer.title,
        "school": school.short_name,
    }
    return render_xlsx([data, notes], filename=filename).as_response()


@login_required
def import_job(request, job_id: int):
    job = get_import_job(request.user, job_id)
    credentials = []
    if job.credentials and job.created_by_id == request.user.pk and not request.htmx:
        # Shown once to whoever imported, then wiped: stored nowhere in clear after that.
        credentials = job.credentials
        ImportJob.objects.filter(pk=job.pk).update(credentials=[])
    context = {
        "school": job.school,
        "job": job,
        "credentials": credentials,
        "errors": job.errors,
    }
    template = (
        "administration/_import_status.html" if request.htmx else "administration/import_job.html"
    )
    return render(request, template, context)


@require_POST
@login_required
def import_apply(request, job_id: int):
    job = get_import_job(request.user, job_id)
    if not start_apply(job):
        messages.error(request, _("Этот файл уже загружается или загружен."))
        return redirect("administration:import_job", job_id=job.pk)
    apply_import.delay(job.pk)
    return redirect("administration:import_job", job_id=job.pk)


@login_required
def import_report(request, job_id: int):
    job = get_import_job(request.user, job_id)
    rows = [[error["row"] or "", error["column"], error["message"]] for error in job.errors]
    sheet = Sheet(
        title=_("Ошибки"),
        heading=[_("Файл: %(name)s") % {"name": job.file_name}],
        tables=[
            Table(columns=[_("Строка"), _("Столбец"), _("Ошибка")], rows=rows, widths=[10, 30, 90])
        ],
    )
    return render_xlsx(
        [sheet], filename=_("ошибки загрузки %(n)d.xlsx") % {"n": job.pk}
    ).as_response()
