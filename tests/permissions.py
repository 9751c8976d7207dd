"""The permission matrix: one line per endpoint or page, for every kind of caller.

Callers: ``anonymous``, ``enterprise`` (a user of the own region's enterprise), ``other_district`` (the
officer of another region), ``district`` (the own region's officer), ``city``. The target record of a
case always belongs to the own region, so ``other_district`` must get 404 wherever a record is addressed.

A new endpoint joins by adding one ``Case``; ``test_every_route_is_in_the_matrix`` fails until it does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

WHO = ("anonymous", "enterprise", "other_district", "district", "city")


def expect(anonymous, enterprise, other_district, district, city) -> dict:
    return dict(zip(WHO, (anonymous, enterprise, other_district, district, city), strict=True))


@dataclass(frozen=True)
class Case:
    route: str  # URL name, for the coverage check
    method: str
    url: Callable  # world -> path
    expected: dict
    data: Callable = field(default=lambda w: {})
    api: bool = True

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.route}"


CASES = [
    # --- portal ---------------------------------------------------------------------------------------
    Case("home", "get", lambda w: "/", expect(200, 200, 200, 200, 200), api=False),
    Case("account-list", "get", lambda w: "/accounts/", expect(302, 403, 200, 200, 200), api=False),
    Case("account-create", "get", lambda w: "/accounts/new/", expect(302, 403, 200, 200, 200), api=False),
    Case(
        "account-create",
        "post",
        lambda w: "/accounts/new/",
        expect(302, 403, 400, 302, 302),
        data=lambda w: {
            "username": "new-filer",
            "password": "Strong-pass-2026",
            "role": "enterprise",
            "enterprise": w.own_enterprise.pk,
        },
        api=False,
    ),
    Case(
        "account-update",
        "get",
        lambda w: f"/accounts/{w.enterprise.pk}/",
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "account-update",
        "post",
        lambda w: f"/accounts/{w.enterprise.pk}/",
        expect(302, 403, 404, 302, 302),
        data=lambda w: {"is_active": "on"},
        api=False,
    ),
    Case("region-list", "get", lambda w: "/api/v1/regions/", expect(200, 200, 200, 200, 200)),
    Case(
        "region-detail",
        "get",
        lambda w: f"/api/v1/regions/{w.own_region_code}/",
        expect(200, 200, 200, 200, 200),
    ),
    Case("account-list", "get", lambda w: "/api/v1/accounts/", expect(401, 200, 200, 200, 200)),
    Case(
        "account-list",
        "post",
        lambda w: "/api/v1/accounts/",
        expect(401, 403, 400, 201, 201),
        data=lambda w: {
            "username": "new-filer",
            "password": "Strong-pass-2026",
            "role": "enterprise",
            "enterprise": w.own_enterprise.pk,
        },
    ),
    Case(
        "account-detail",
        "get",
        lambda w: f"/api/v1/accounts/{w.enterprise.pk}/",
        expect(401, 200, 404, 200, 200),
    ),
    Case(
        "account-detail",
        "patch",
        lambda w: f"/api/v1/accounts/{w.enterprise.pk}/",
        expect(401, 403, 404, 200, 200),
        data=lambda w: {"is_active": True},
    ),
]

# Routes that are not records of anyone's: authentication, documentation, health, the admin site.
NOT_SCOPED = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "health",
    "api-token",
    "api-schema",
    "api-docs",
    "api-root",
}
