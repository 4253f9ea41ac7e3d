"""The case dossier as a PDF (R-C-10)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .. import dossier, timeline
from ..selectors import get_case_for_user


@login_required
@require_GET
def case_dossier(request: HttpRequest, case_id: int) -> HttpResponse:
    """Download the whole case as one PDF; the read is audited (spec §1, 152-ФЗ)."""
    case = get_case_for_user(request.user, case_id, perm="casework.view_case")
    timeline.log_case_read(request.user, case, what="dossier")
    return dossier.render(case).as_response()
