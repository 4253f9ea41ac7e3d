"""The school's pages for the messages to parents: the template with a preview, the log
of what was sent with its status, and a guardian's refusal told to the school."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.inputs import day_from_query
from audit.services import log_read
from policy.services import get_setting

from . import services, texts
from .forms import TemplateForm
from .models import AbsenceNotice, Delivery
from .selectors import (
    get_delivery_of_school,
    get_guardian_of_school,
    get_school_for_user,
    notices_of_day,
    opted_out_guardians,
)

LOG_PAGE_SIZE = 50


def _preview(wording: texts.Wording, school) -> dict:
    values = {
        "ученик": _("Иван"),
        "дата": f"{timezone.localdate():%d.%m.%Y}",
        "уроков": "3",
        "школа": school.short_name,
        "ссылка": f"{reverse('notify:guardian', args=['…'])}",
    }
    return {
        "subject": texts.render(wording.email_subject, values),
        "email": texts.render(wording.email_body, values),
        "sms": texts.render(wording.sms_body, values),
    }


@login_required
def template_page(request, school_id: int):
    school = get_school_for_user(request.user, school_id)
    wording = texts.wording_for(school)
    form = TemplateForm(request.POST or None, initial=wording.__dict__)
    if request.method == "POST" and form.is_valid():
        services.save_template(school=school, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Шаблон сообщения сохранён."))
        return redirect("notify:template", school_id=school.pk)
    context = {
        "school": school,
        "form": form,
        "preview": _preview(wording, school),
        "placeholders": texts.PLACEHOLDERS,
        "is_default": not hasattr(school, "message_template"),
        "enabled": get_setting(services.ENABLED_SETTING, school=school),
        "send_time": get_setting(services.TIME_SETTING, school=school),
        "link_days": settings.NOTIFY_LINK_MAX_AGE_DAYS,
    }
    return render(request, "notify/template.html", context)


@require_POST
@login_required
def template_reset(request, school_id: int):
    school = get_school_for_user(request.user, school_id)
    services.reset_template(school=school, acting_user=request.user)
    messages.success(request, _("Восстановлен текст по умолчанию."))
    return redirect("notify:template", school_id=school.pk)


@login_required
def log_page(request, school_id: int):
    school = get_school_for_user(request.user, school_id)
    today = timezone.localdate()
    day = day_from_query(request, "date", today)
    page = Paginator(notices_of_day(school, day), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    refused = list(opted_out_guardians(school))
    log_read(
        actor=request.user,
        action="notify.log.viewed",
        obj=school,
        school_id=school.pk,
        student_ids=[
            *(notice.student_id for notice in page),
            *(guardian.student_id for guardian in refused),
        ],
        data={"date": day},
    )
    counts = {
        status: Delivery.objects.filter(
            notice__school=school, notice__date=day, status=status
        ).count()
        for status in Delivery.Status.values
    }
    context = {
        "school": school,
        "day": day,
        "today": today,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "page": page,
        "query": f"date={day:%Y-%m-%d}",
        "counts": counts,
        "notices_total": AbsenceNotice.objects.filter(school=school, date=day).count(),
        "refused": refused,
    }
    return render(request, "notify/log.html", context)


@require_POST
@login_required
def guardian_opt_out(request, school_id: int, guardian_id: int):
    """The school records that a guardian refuses (or again accepts) the messages."""
    school = get_school_for_user(request.user, school_id)
    guardian = get_guardian_of_school(school, guardian_id)
    opted_out = request.POST.get("opted_out") == "1"
    services.set_opt_out(
        guardian=guardian, opted_out=opted_out, acting_user=request.user, school=school
    )
    if opted_out:
        messages.success(
            request, _("%(name)s больше не получает сообщения.") % {"name": guardian.full_name}
        )
    else:
        messages.success(
            request, _("%(name)s снова получает сообщения.") % {"name": guardian.full_name}
        )
    return _back_to_log(request, school)


@require_POST
@login_required
def delivery_retry(request, school_id: int, delivery_id: int):
    school = get_school_for_user(request.user, school_id)
    delivery = get_delivery_of_school(school, delivery_id)
    if delivery.status != Delivery.Status.FAILED:
        messages.error(request, _("Повторить можно только неотправленное сообщение."))
    else:
        services.retry_failed(delivery)
        if delivery.status == Delivery.Status.SENT:
            messages.success(request, _("Сообщение отправлено."))
        else:
            messages.error(request, _("Снова не отправлено: %(error)s") % {"error": delivery.error})
    return _back_to_log(request, school, delivery.notice.date)


def _back_to_log(request, school, day: datetime.date | None = None):
    url = reverse("notify:log", args=[school.pk])
    if day is not None:
        url += f"?date={day:%Y-%m-%d}"
    return redirect(url)
