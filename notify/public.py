"""The guardian's page behind the message's signed link (no account needed).

It shows nothing personal beyond the child's first name and the dates; it asks for the
reason of an absence or announces one ahead (days or lessons, reason, comment); the
class teacher then confirms or rejects the note on the class day. An altered link
answers «ссылка повреждена» (400), an old one «срок ссылки истёк» (410); neither changes
anything. Sending is limited per link, so a leaked link cannot flood the school.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.inputs import InputError, parse_day
from journal.models import GuardianNote, Lesson
from journal.services.errors import JournalError
from journal.services.guardian_notes import (
    ANNOUNCE_DAYS_AHEAD,
    EXPLAIN_DAYS_BACK,
    class_of,
    lessons_of_day,
    submit_guardian_note,
)
from schools.models import Enrollment, Guardian

from . import services
from .forms import GuardianNoteForm
from .links import LinkError, read_token

# Posts one link may make in an hour (a note, a refusal): far above a family's needs.
POSTS_PER_HOUR = 20
RECENT_NOTES = 10


def _private(response: HttpResponse) -> HttpResponse:
    """The link is the key: never cached, never sent to another site as a referrer (the
    page's own forms still send their origin, which the CSRF check needs), never indexed."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _error(request, *, title: str, text: str, status: int) -> HttpResponse:
    response = render(
        request, "notify/public/error.html", {"title": title, "text": text}, status=status
    )
    return _private(response)


def _link_error(request, error: LinkError) -> HttpResponse:
    if error.expired:
        return _error(
            request,
            title=_("Срок действия ссылки истёк"),
            text=_(
                "Ссылка из сообщения действует несколько дней, и этот срок прошёл. Сообщите "
                "причину отсутствия классному руководителю по телефону или дождитесь нового "
                "сообщения школы."
            ),
            status=410,
        )
    return _error(
        request,
        title=_("Ссылка повреждена"),
        text=_(
            "Адрес не совпадает с тем, что отправила школа: возможно, он скопирован не "
            "полностью. Откройте ссылку прямо из письма или SMS."
        ),
        status=400,
    )


def _throttled(token: str) -> bool:
    key = "notify:link-posts:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > POSTS_PER_HOUR


def _context_of(request, token: str):
    """(guardian, school, link day) of a valid link, or an error response."""
    try:
        link = read_token(token)
    except LinkError as error:
        return None, _link_error(request, error)
    guardian = (
        Guardian.objects.filter(pk=link.guardian_id)
        .select_related("student", "message_preference")
        .first()
    )
    enrollment = (
        Enrollment.objects.filter(student_id=guardian.student_id)
        .select_related("school")
        .order_by("-start_date")
        .first()
        if guardian is not None
        else None
    )
    if guardian is None or enrollment is None:
        return None, _error(
            request,
            title=_("Ссылка больше не действует"),
            text=_("Школа изменила данные. Свяжитесь с классным руководителем."),
            status=404,
        )
    return (guardian, enrollment.school, link.day), None


def _lessons(guardian, school, day: datetime.date) -> QuerySet[Lesson]:
    school_class = class_of(guardian.student_id, school.pk, day, day)
    if school_class is None:
        return Lesson.objects.none()
    return lessons_of_day(school_class, day)


def _bounded(day: datetime.date, today: datetime.date) -> datetime.date:
    low = today - datetime.timedelta(days=EXPLAIN_DAYS_BACK)
    high = today + datetime.timedelta(days=ANNOUNCE_DAYS_AHEAD)
    return min(max(day, low), high)


@never_cache
@require_http_methods(["GET", "POST"])
def guardian_page(request: HttpRequest, token: str) -> HttpResponse:
    found, error = _context_of(request, token)
    if error is not None:
        return error
    guardian, school, link_day = found
    today = timezone.localdate()
    if request.method == "POST":
        if _throttled(token):
            return _error(
                request,
                title=_("Слишком много отправок"),
                text=_("С этой ссылки уже много раз отправляли сообщения. Попробуйте через час."),
                status=429,
            )
        try:
            day = _bounded(parse_day(request.POST.get("start_date")), today)
        except InputError:
            day = link_day
        form = GuardianNoteForm(request.POST, lessons=_lessons(guardian, school, day))
        if form.is_valid():
            data = form.cleaned_data
            try:
                submit_guardian_note(
                    guardian=guardian,
                    school=school,
                    reason=data["reason"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    lessons=data["lessons"],
                    comment=data["comment"].strip(),
                )
            except JournalError as journal_error:
                form.add_error(None, str(journal_error))
            else:
                return _private(redirect(f"{request.path}?sent=1"))
    else:
        try:
            day = (
                _bounded(parse_day(request.GET["day"]), today) if "day" in request.GET else link_day
            )
        except InputError:
            day = link_day
        form = GuardianNoteForm(
            initial={"start_date": day, "end_date": day}, lessons=_lessons(guardian, school, day)
        )
    notes = GuardianNote.objects.filter(guardian=guardian).order_by("-submitted_at")[:RECENT_NOTES]
    context = {
        "token": token,
        "first_name": guardian.student.first_name,
        "school_name": school.short_name,
        "link_day": link_day,
        "day": day,
        "today": today,
        "form": form,
        "notes": list(notes),
        "sent": request.GET.get("sent") == "1",
        "opted_out": services.is_opted_out(guardian),
    }
    return _private(render(request, "notify/public/guardian.html", context))


@require_POST
def guardian_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The guardian refuses (or again accepts) the messages."""
    found, error = _context_of(request, token)
    if error is not None:
        return error
    if _throttled(token):
        return _error(
            request,
            title=_("Слишком много отправок"),
            text=_("С этой ссылки уже много раз отправляли сообщения. Попробуйте через час."),
            status=429,
        )
    guardian, school, _day = found
    services.set_opt_out(
        guardian=guardian, opted_out=request.POST.get("opted_out") == "1", school=school
    )
    return _private(redirect("notify:guardian", token=token))
