"""The API's cases of the URL × role matrix again, each role signed in with a personal
token instead of a session: a token acts as its user, no more and no less."""

import pytest
from django.db import transaction
from django.test import Client

from tests.accounts.world import ALL_ROLES, ANONYMOUS
from tests.api.helpers import auth, personal_token
from tests.test_url_permissions import URL_MATRIX, _url
from tests.test_url_permissions import shared_world as shared_world  # the matrix's fixture

API_CASES = [
    pytest.param(key, case, id=f"{key}[{case.label}]")
    for key, cases in URL_MATRIX.items()
    if key.startswith("api:v1_") or key in ("api:schema", "api:docs")
    for case in cases
]


def _send(client: Client, case, url: str, world, headers: dict):
    if case.method == "get":
        return client.get(url, **headers)
    with transaction.atomic():
        response = client.put(url, case.data(world), content_type="application/json", **headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case"), API_CASES)
def test_api_answers_each_role_with_a_token_as_with_a_session(shared_world, key, case):
    world, _clients = shared_world
    url = _url(key, case.kwargs(world)) + case.query_string(world)
    client = Client()
    mismatches = []
    for role in ALL_ROLES:
        headers = {} if role == ANONYMOUS else auth(personal_token(world.users[role]))
        response = _send(client, case, url, world, headers)
        expected = case.expected(role)
        if response.status_code != expected:
            mismatches.append(f"{role}: expected {expected}, got {response.status_code}")
    assert not mismatches, f"{case.method.upper()} {url}\n" + "\n".join(mismatches)
