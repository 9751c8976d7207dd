"""The permission matrix of tests/permissions.py, and the checks that no route or API operation escapes it.

Two sources of routes: the URL resolver (every pattern, every HTTP method its view answers) and the OpenAPI
schema (every path and method the API documents). A new route, a new method or a new API operation without
a ``Case`` fails here.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from tests.permissions import CASES, NOT_SCOPED, WHO

# Sample values for the schema's path parameters: enough to resolve a path template to its route.
SAMPLE_PARAMETERS = {"id": "1", "code": "500103", "kind": "buildings"}

# Views the schema leaves out on purpose (extend_schema(exclude=True)): the schema itself, its Swagger UI and
# DRF's browsable root. They still have their cases in the matrix.
NOT_IN_SCHEMA = {"api-schema", "api-docs", "api-root"}

# Pages are driven by HTML forms: GET and POST. (Django's form views map PUT onto POST, same checks.)
PAGE_METHODS = {"get", "post"}


def _patterns(patterns=None, namespace=None, prefix=""):
    """Every URL pattern outside NOT_SCOPED's namespaces: (full regex/route, view name or None, callback)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NOT_SCOPED:
                continue
            yield from _patterns(
                pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern.callback


def _methods(callback) -> set[str]:
    """The HTTP methods a view answers (beyond HEAD and OPTIONS)."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return {"get"}  # a plain function view: a public page, rendered the same for any method
    allowed = set(view_class.http_method_names) - {"head", "options", "trace"}
    actions = getattr(callback, "actions", None)  # a viewset route: the methods its router mapped
    if actions is not None:
        return set(actions) & allowed
    return {method for method in allowed if hasattr(view_class, method)}


def _is_api(route: str) -> bool:
    return route.startswith("api/")


def _schema_operations():
    """(method, path template, route name) of every operation in the OpenAPI schema, built in-process."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for template, operations in schema["paths"].items():
        unknown = set(re.findall(r"\{(\w+)\}", template)) - set(SAMPLE_PARAMETERS)
        assert not unknown, f"add a sample value for {unknown} of {template} to SAMPLE_PARAMETERS"
        path = re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PARAMETERS[m.group(1)], template)
        route = resolve(path).view_name
        for method in operations:
            yield method, template, route


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(case, who, world, api, client):
    user = world.user(who)
    data = case.data(world)
    url = case.url(world)
    # A case counts for the route it names only if its URL really is that route.
    path = urlsplit(url).path
    assert resolve(path).view_name == case.route, f"{url} is not the route {case.route}"
    assert case.api == path.startswith("/api/"), f"{case.id}: api={case.api} does not match {url}"
    if case.api:
        response = getattr(api.as_user(user), case.method)(url, data, format="json")
    else:
        if user is not None:
            client.force_login(user)
        response = getattr(client, case.method)(url, data)
    assert response.status_code == case.expected[who], getattr(response, "data", response.content[:300])


def test_every_url_pattern_is_named():
    unnamed = sorted(route for route, name, _ in _patterns() if not name)
    assert not unnamed, f"name these URL patterns (the matrix finds routes by name): {unnamed}"


def test_no_page_shares_its_name_with_an_api_route():
    """``reverse()`` of a name that a page and an API route share finds only one of them: the 账号管理 link
    once led to /api/v1/accounts/."""
    pages = {name for route, name, _ in _patterns() if name and not _is_api(route)}
    api = {name for route, name, _ in _patterns() if name and _is_api(route)}
    assert not pages & api, f"rename these pages or API routes: {sorted(pages & api)}"


def test_every_route_and_method_is_in_the_matrix():
    covered = {(case.route, case.method, case.api) for case in CASES}
    missing = set()
    for route, name, callback in _patterns():
        api = _is_api(route)
        methods = _methods(callback) if api else _methods(callback) & PAGE_METHODS
        missing |= {f"{method.upper()} {name}" for method in methods if (name, method, api) not in covered}
    assert not missing, f"routes missing from tests/permissions.py: {sorted(missing)}"


def test_every_api_operation_is_in_the_matrix():
    covered = {(case.route, case.method) for case in CASES if case.api}
    missing = sorted(
        f"{method.upper()} {template} ({route})"
        for method, template, route in _schema_operations()
        if (route, method) not in covered
    )
    assert not missing, f"API operations missing from tests/permissions.py: {missing}"


def test_the_schema_documents_every_api_method():
    """The schema is a complete source: every method an API view answers is an operation of the schema."""
    documented = {}
    for method, _, route in _schema_operations():
        documented.setdefault(route, set()).add(method)
    undocumented = set()
    for route, name, callback in _patterns():
        if not _is_api(route) or name in NOT_IN_SCHEMA:
            continue
        undocumented |= {f"{m.upper()} {name}" for m in _methods(callback) - documented.get(name, set())}
    assert not undocumented, f"API methods the OpenAPI schema does not show: {sorted(undocumented)}"
