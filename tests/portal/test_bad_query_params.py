"""Junk in the query string of the portal's list pages, as city staff: never a 500. A bad filter value is
ignored (list pages with a FilterSet) or shown as a Chinese error message over the default (the single-value
pages: completeness period, pool review year); an unknown region of a dashboard is a 404.

Every page was probed with ~50 junk values (``year=abc``, ``page=99999999999999999999999``, ``region=\\x00``…);
the cases below are the ones that answered 500 before their fix, then a sample of the others."""

import pytest

NUL = "\x00"  # PostgreSQL refuses a NUL in a string parameter: it must never reach a query

CASES = [
    # 500 before: int("abc") / date(99999999999 + 1, 1, 1) / a NUL in a query.
    ("/pool/", "year", "abc", 200),
    ("/pool/", "year", "99999999999", 200),
    ("/pool/", "year", "9999", 200),
    ("/pool/", "q", f"星{NUL}河", 200),
    ("/review/", "region", NUL, 200),
    # Answered well already: kept so they stay that way.
    ("/review/", "region", "zzz", 200),
    ("/review/", "page", "abc", 200),
    ("/completeness/", "period", "abc", 200),
    ("/completeness/", "period", "2025-13", 200),
    ("/enterprises/", "page", "abc", 200),
    ("/enterprises/", "page", "99999999999999999999999", 200),
    ("/enterprises/", "region", "zzz", 200),
    ("/enterprises/", "q", f"a{NUL}b", 200),
    ("/reports/", "period", "abc", 200),
    ("/reports/", "status", "zzz", 200),
    ("/buildings/", "batch", "99999999999999999999999", 200),
    ("/buildings/selection/", "order", "zzz", 200),
    ("/demonstration-buildings/", "batch", "abc", 200),
    ("/demonstration-buildings/", "page", "-1", 200),
    ("/events/", "year", "99999999999", 200),
    ("/projects/", "year", "abc", 200),
    ("/targets/", "year", "-1", 200),
    ("/targets/", "programme", "99999999999999999999999", 200),
    ("/work-items/", "region", NUL, 200),
    ("/accounts/", "region", NUL, 200),
    ("/accounts/", "is_active", "zzz", 200),
    ("/scenarios/", "page", "0", 200),
    ("/dashboard/region/", "region", "zzz", 404),
    ("/dashboard/region/", "region", NUL, 404),
]


@pytest.mark.parametrize(("path", "key", "value", "status"), CASES)
def test_junk_in_the_query_string_is_no_500(world, client, path, key, value, status):
    client.force_login(world.city)
    assert client.get(path, {key: value}).status_code == status
