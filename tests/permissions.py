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
        expect(401, 403, 404, 201, 201),
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


# --- enterprises ---------------------------------------------------------------------------------------
def _new_enterprise(w):
    from tests.factories import make_uscc

    return {
        "uscc": make_uscc(4242424),
        "name": "重庆新登记软件有限公司",
        "region": w.own_region_code,
        "industry": "software",
    }


def _new_report(w):
    from portal.periods import format_period
    from tests.factories import past_period, report_payload

    return report_payload(enterprise=w.own_enterprise.pk, period=format_period(past_period(1)))


def _grant(w):
    from datetime import timedelta

    from django.utils import timezone

    return {
        "enterprise": w.own_enterprise.pk,
        "kind": "rent",
        "amount": "12.50",
        "granted_on": str(timezone.localdate() - timedelta(days=1)),
    }


def _report_url(status, step=""):
    return lambda w: f"/api/v1/monthly-reports/{w.report(status).pk}/{step}"


def _period(w):
    from portal.periods import format_period
    from tests.factories import past_period

    return f"/api/v1/reporting-completeness/?period={format_period(past_period(1))}"


CASES += [
    Case("enterprise-list", "get", lambda w: "/api/v1/enterprises/", expect(401, 200, 200, 200, 200)),
    Case(
        "enterprise-list",
        "post",
        lambda w: "/api/v1/enterprises/",
        expect(401, 403, 400, 201, 201),
        data=_new_enterprise,
    ),
    Case(
        "enterprise-detail",
        "get",
        lambda w: f"/api/v1/enterprises/{w.own_enterprise.pk}/",
        expect(401, 200, 404, 200, 200),
    ),
    Case(
        "enterprise-detail",
        "patch",
        lambda w: f"/api/v1/enterprises/{w.own_enterprise.pk}/",
        expect(401, 200, 404, 200, 200),
        data=lambda w: {"contact_name": "张三"},
    ),
    Case("support-grant-list", "get", lambda w: "/api/v1/support-grants/", expect(401, 200, 200, 200, 200)),
    Case(
        "support-grant-list",
        "post",
        lambda w: "/api/v1/support-grants/",
        expect(401, 403, 404, 201, 201),
        data=_grant,
    ),
    Case(
        "support-grant-detail",
        "get",
        lambda w: f"/api/v1/support-grants/{w.grant().pk}/",
        expect(401, 200, 404, 200, 200),
    ),
    Case("monthly-report-list", "get", lambda w: "/api/v1/monthly-reports/", expect(401, 200, 200, 200, 200)),
    Case(
        "monthly-report-list",
        "post",
        lambda w: "/api/v1/monthly-reports/",
        expect(401, 201, 403, 403, 403),
        data=_new_report,
    ),
    Case("monthly-report-detail", "get", _report_url("draft"), expect(401, 200, 404, 200, 200)),
    Case(
        "monthly-report-detail",
        "patch",
        _report_url("draft"),
        expect(401, 200, 403, 403, 403),
        data=lambda w: {"employees": 101},
    ),
    Case("monthly-report-submit", "post", _report_url("draft", "submit/"), expect(401, 200, 403, 403, 403)),
    Case(
        "monthly-report-approve",
        "post",
        _report_url("submitted", "approve/"),
        expect(401, 403, 404, 200, 403),
    ),
    Case(
        "monthly-report-accept", "post", _report_url("approved", "accept/"), expect(401, 403, 403, 403, 200)
    ),
    Case(
        "monthly-report-return",
        "post",
        _report_url("submitted", "return/"),
        expect(401, 403, 404, 200, 409),
        data=lambda w: {"reason": "主营业务收入与上月差异过大，请核实。"},
    ),
    Case(
        "monthly-report-unlock",
        "post",
        _report_url("accepted", "unlock/"),
        expect(401, 403, 403, 403, 200),
        data=lambda w: {"reason": "企业更正12月数据"},
    ),
    Case("reporting-completeness", "get", _period, expect(401, 403, 200, 200, 200)),
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
