"""The school's deadlines board: which reports are due, which are late (spec §6)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ..board import DEFAULT_WEEKS, STATE_LABELS, board_schools, expected_reports, school_for_board
from ..models import Kind

MAX_WEEKS = 12


def _weeks(requested: str) -> int:
    """``?weeks=`` from 1 to 12; anything else is the default (4)."""
    if requested.isdecimal() and 1 <= int(requested) <= MAX_WEEKS:
        return int(requested)
    return DEFAULT_WEEKS


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries whatever the number of classes (tests/reporting)."""
    school = school_for_board(request.user, request.GET.get("school", ""))
    whole = request.user.has_perm("reporting.view_school_board", school)
    weeks = _weeks(request.GET.get("weeks", ""))
    board = expected_reports(
        school, weeks=weeks, class_teacher=None if whole else request.user
    ).for_user(request.user)
    return render(
        request,
        "reporting/board.html",
        {
            "board": board,
            "whole": whole,
            "weeks": weeks,
            "schools": board_schools(request.user),
            "states": [(code, label) for code, label in STATE_LABELS.items()],
            "kinds": Kind,
        },
    )


urlpatterns = [path("board/", board, name="board")]
