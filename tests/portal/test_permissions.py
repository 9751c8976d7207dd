import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.permissions import CASES, NOT_SCOPED, WHO


def _named_routes(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _named_routes(pattern.url_patterns, pattern.namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(case, who, world, api, client):
    user = world.user(who)
    data = case.data(world)
    if case.api:
        response = getattr(api.as_user(user), case.method)(case.url(world), data, format="json")
    else:
        if user is not None:
            client.force_login(user)
        response = getattr(client, case.method)(case.url(world), data)
    assert response.status_code == case.expected[who], getattr(response, "data", response.content[:300])


def test_every_route_is_in_the_matrix():
    covered = {case.route for case in CASES}
    missing = sorted(set(_named_routes()) - covered - NOT_SCOPED)
    assert not missing, f"routes missing from tests/permissions.py: {missing}"
