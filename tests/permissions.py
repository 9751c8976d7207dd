"""The permission matrix: one line per endpoint or page, for every kind of caller.

Callers: ``anonymous``, ``enterprise`` (a user of the own region's enterprise), ``other_district`` (the
officer of another region), ``district`` (the own region's officer), ``city``. The target record of a
case always belongs to the own region, so ``other_district`` must get 404 wherever a record is addressed.

A new endpoint or method joins by adding one ``Case``; ``tests/portal/test_permissions.py`` fails until it does
(routes from the URL resolver, operations from the OpenAPI schema).
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
    Case("home", "get", lambda w: "/", expect(200, 200, 302, 302, 302), api=False),
    Case("accounts", "get", lambda w: "/accounts/", expect(302, 403, 200, 200, 200), api=False),
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


def _page(path):
    return lambda w: path


def _report_page(status, step=""):
    return lambda w: f"/reports/{w.report(status).pk}/{step}"


CASES += [
    Case("enterprises:list", "get", _page("/enterprises/"), expect(302, 403, 200, 200, 200), api=False),
    Case("enterprises:create", "get", _page("/enterprises/new/"), expect(302, 403, 200, 200, 200), api=False),
    Case(
        "enterprises:create",
        "post",
        _page("/enterprises/new/"),
        expect(302, 403, 400, 302, 302),
        api=False,
        data=lambda w: {**_new_enterprise(w), "region": w.district.region_id, "arrival_origin": "new"},
    ),
    Case(
        "enterprises:detail",
        "get",
        lambda w: f"/enterprises/{w.own_enterprise.pk}/",
        expect(302, 200, 404, 200, 200),
        api=False,
    ),
    Case(
        "enterprises:edit",
        "get",
        lambda w: f"/enterprises/{w.own_enterprise.pk}/edit/",
        expect(302, 200, 404, 200, 200),
        api=False,
    ),
    Case(
        "enterprises:edit",
        "post",
        lambda w: f"/enterprises/{w.own_enterprise.pk}/edit/",
        expect(302, 302, 404, 400, 400),
        api=False,
        data=lambda w: {"contact_name": "李四"},
    ),
    Case(
        "enterprises:honour-add",
        "post",
        lambda w: f"/enterprises/{w.own_enterprise.pk}/honours/",
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: {"kind": "itss", "year": 2024},
    ),
    Case(
        "enterprises:grant-add",
        "post",
        lambda w: f"/enterprises/{w.own_enterprise.pk}/grants/",
        expect(302, 403, 404, 302, 302),
        api=False,
        data=_grant,
    ),
    Case("enterprises:report-list", "get", _page("/reports/"), expect(302, 200, 200, 200, 200), api=False),
    Case(
        "enterprises:report-create", "get", _page("/reports/new/"), expect(302, 200, 403, 403, 403), api=False
    ),
    Case(
        "enterprises:report-create",
        "post",
        _page("/reports/new/"),
        expect(302, 302, 403, 403, 403),
        api=False,
        data=_new_report,
    ),
    Case(
        "enterprises:report-detail", "get", _report_page("draft"), expect(302, 200, 404, 200, 200), api=False
    ),
    Case(
        "enterprises:report-edit",
        "get",
        _report_page("draft", "edit/"),
        expect(302, 200, 403, 403, 403),
        api=False,
    ),
    Case(
        "enterprises:report-edit",
        "post",
        _report_page("draft", "edit/"),
        expect(302, 302, 403, 403, 403),
        api=False,
        data=lambda w: {k: v for k, v in _new_report(w).items() if k not in ("enterprise", "period")},
    ),
    Case(
        "enterprises:report-step",
        "post",
        _report_page("submitted", "approve/"),
        expect(302, 403, 404, 302, 403),
        api=False,
    ),
    Case("enterprises:review", "get", _page("/review/"), expect(302, 403, 200, 200, 200), api=False),
    Case(
        "enterprises:review",
        "post",
        _page("/review/"),
        expect(302, 403, 302, 302, 302),
        api=False,
        data=lambda w: {"selected": [w.report("submitted").pk]},
    ),
    Case(
        "enterprises:completeness", "get", _page("/completeness/"), expect(302, 403, 200, 200, 200), api=False
    ),
    Case("enterprises:pool", "get", _page("/pool/"), expect(302, 403, 403, 403, 200), api=False),
    Case(
        "enterprises:pool",
        "post",
        _page("/pool/"),
        expect(302, 403, 403, 403, 302),
        api=False,
        data=lambda w: {"enterprise": w.own_enterprise.pk, "level": "qiming", "reason": "试点入库"},
    ),
]

# --- scenarios -----------------------------------------------------------------------------------------
# The target records are the own region's (渝中区) district-level scenarios, one per state, and one city-level
# scenario there, made through the services on first use and found again by title afterwards. The own
# enterprise has won the awarded one; another enterprise has applied for the published one.


def _scenario(w, status="collected", level="district"):
    from scenarios.models import Scenario
    from tests.factories import make_scenario

    title = f"矩阵场景-{level}-{status}"
    scenario = Scenario.objects.filter(title=title).first()
    if scenario is None:
        applicants = {"published": [w.other_enterprise], "awarded": [w.own_enterprise]}.get(status)
        scenario = make_scenario(
            w.own_region_code, status=status, level=level, title=title, applicants=applicants
        )
    return scenario


def _application(w):
    return _scenario(w, "awarded").applications.get(enterprise=w.own_enterprise)


def _attached_application(w):
    """The own enterprise's application with an attachment (one fixed file, written once)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from scenarios.models import ScenarioApplication

    application = _application(w)
    name = "scenario-applications/permission-matrix.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4 permission matrix"))
    ScenarioApplication.objects.filter(pk=application.pk).update(attachment=name)
    return application


def _new_scenario(w):
    return {
        "title": "矩阵新场景",
        "region": w.own_region_code,
        "domain": "health",
        "owner_type": "state_owned",
        "owner_unit": "重庆医科大学附属第一医院",
        "scope": "区域医学影像云平台",
        "funding_amount": "500.00",
        "funding_source": "医院自筹",
    }


def _award(w):
    application = _scenario(w, "published").applications.get()
    return {"winners": [{"application": application.pk, "amount": "50.00"}]}


def _award_page(w):
    application = _scenario(w, "published").applications.get()
    return {f"win_{application.pk}": "on", f"amount_{application.pk}": "50.00"}


def _scenario_url(status="collected", suffix="", level="district", api=True):
    prefix = "/api/v1" if api else ""
    return lambda w: f"{prefix}/scenarios/{_scenario(w, status, level).pk}/{suffix}"


CASES += [
    Case("scenario-list", "get", lambda w: "/api/v1/scenarios/", expect(200, 200, 200, 200, 200)),
    Case(
        "scenario-list",
        "post",
        lambda w: "/api/v1/scenarios/",
        expect(401, 403, 400, 201, 201),
        data=_new_scenario,
    ),
    Case("scenario-detail", "get", _scenario_url("collected"), expect(404, 404, 404, 200, 200)),
    Case("scenario-detail", "get", _scenario_url("published"), expect(200, 200, 200, 200, 200)),
    Case(
        "scenario-detail",
        "patch",
        _scenario_url("collected"),
        expect(401, 403, 404, 200, 403),
        data=lambda w: {"owner_unit": "重庆市渝中区卫生健康委员会"},
    ),
    Case("scenario-publish", "post", _scenario_url("collected", "publish/"), expect(401, 403, 404, 200, 403)),
    Case(
        "scenario-publish",
        "post",
        _scenario_url("collected", "publish/", level="city"),
        expect(401, 403, 404, 403, 200),
    ),
    Case(
        "scenario-award",
        "post",
        _scenario_url("published", "award/"),
        expect(401, 403, 404, 200, 403),
        data=_award,
    ),
    Case("scenario-start", "post", _scenario_url("awarded", "start/"), expect(401, 403, 404, 200, 403)),
    Case(
        "scenario-deliver",
        "post",
        _scenario_url("in_progress", "deliver/"),
        expect(401, 403, 404, 200, 403),
        data=lambda w: {"evidence": "验收报告（渝中大数据〔2025〕8号）"},
    ),
    Case(
        "scenario-withdraw",
        "post",
        _scenario_url("published", "withdraw/"),
        expect(401, 403, 404, 200, 403),
        data=lambda w: {"reason": "业主调整建设计划"},
    ),
    Case(
        "scenario-application-list",
        "get",
        lambda w: "/api/v1/scenario-applications/",
        expect(401, 200, 200, 200, 200),
    ),
    Case(
        "scenario-application-list",
        "post",
        lambda w: "/api/v1/scenario-applications/",
        expect(401, 201, 403, 403, 403),
        data=lambda w: {"scenario": _scenario(w, "published").pk, "proposal": "揭榜方案：智能客服与知识库。"},
    ),
    Case(
        "scenario-application-detail",
        "get",
        lambda w: f"/api/v1/scenario-applications/{_application(w).pk}/",
        expect(401, 200, 404, 200, 200),
    ),
    Case("scenario-lists-list", "get", lambda w: "/api/v1/scenario-lists/", expect(200, 200, 200, 200, 200)),
    Case(
        "scenario-lists-detail",
        "get",
        lambda w: f"/api/v1/scenario-lists/{_scenario(w, 'published').published_list_id}/",
        expect(200, 200, 200, 200, 200),
    ),
    Case("scenarios:list", "get", _page("/scenarios/"), expect(200, 200, 200, 200, 200), api=False),
    Case("scenarios:lists", "get", _page("/scenarios/lists/"), expect(200, 200, 200, 200, 200), api=False),
    Case("scenarios:manage", "get", _page("/scenarios/manage/"), expect(302, 403, 200, 200, 200), api=False),
    Case("scenarios:create", "get", _page("/scenarios/new/"), expect(302, 403, 200, 200, 200), api=False),
    Case(
        "scenarios:create",
        "post",
        _page("/scenarios/new/"),
        expect(302, 403, 400, 302, 302),
        api=False,
        data=lambda w: {**_new_scenario(w), "region": w.district.region_id},
    ),
    Case(
        "scenarios:my-applications",
        "get",
        _page("/scenarios/mine/"),
        expect(302, 200, 403, 403, 403),
        api=False,
    ),
    Case(
        "scenarios:detail",
        "get",
        _scenario_url("collected", api=False),
        expect(404, 404, 404, 200, 200),
        api=False,
    ),
    Case(
        "scenarios:detail",
        "get",
        _scenario_url("delivered", api=False),
        expect(200, 200, 200, 200, 200),
        api=False,
    ),
    Case(
        "scenarios:edit",
        "get",
        _scenario_url("collected", "edit/", api=False),
        expect(302, 403, 404, 200, 403),
        api=False,
    ),
    Case(
        "scenarios:edit",
        "post",
        _scenario_url("collected", "edit/", api=False),
        expect(302, 403, 404, 302, 403),
        api=False,
        data=lambda w: {**_new_scenario(w), "region": w.district.region_id},
    ),
    Case(
        "scenarios:step",
        "post",
        _scenario_url("collected", "publish/", api=False),
        expect(302, 403, 404, 302, 403),
        api=False,
    ),
    Case(
        "scenarios:award",
        "get",
        _scenario_url("published", "award/", api=False),
        expect(302, 403, 404, 200, 403),
        api=False,
    ),
    Case(
        "scenarios:award",
        "post",
        _scenario_url("published", "award/", api=False),
        expect(302, 403, 404, 302, 403),
        api=False,
        data=_award_page,
    ),
    Case(
        "scenarios:apply",
        "get",
        _scenario_url("published", "apply/", api=False),
        expect(302, 200, 403, 403, 403),
        api=False,
    ),
    Case(
        "scenarios:apply",
        "post",
        _scenario_url("published", "apply/", api=False),
        expect(302, 302, 403, 403, 403),
        api=False,
        data=lambda w: {"proposal": "揭榜方案：智能客服与知识库。"},
    ),
    Case(
        "scenarios:attachment",
        "get",
        lambda w: f"/scenarios/applications/{_attached_application(w).pk}/attachment/",
        expect(302, 200, 404, 200, 200),
        api=False,
    ),
]


# --- evaluation ----------------------------------------------------------------------------------------
def _scheme(w):
    from evaluation import services
    from tests.factories import region

    return services.create_scheme(
        actor=None,
        name="测试方案",
        year=2025,
        period="Y",
        regions=[region("500103"), region("500105")],
        indicators=[
            {"code": "employees", "name": "新增从业人员", "weight": "100", "source": "new_employees"}
        ],
        award_table=["3000", "2500"],
    )


def _run(status):
    def make(w):
        from evaluation import services

        run = services.request_recompute(actor=None, scheme=_scheme(w))
        services.compute_run(run_id=run.pk)
        if status == "published":
            run.refresh_from_db()
            services.publish_run(actor=None, run=run)
        return f"/api/v1/evaluation/runs/{run.pk}/"

    return make


CASES += [
    Case(
        "evaluation-scheme-list",
        "get",
        lambda w: "/api/v1/evaluation/schemes/",
        expect(401, 403, 200, 200, 200),
    ),
    Case(
        "evaluation-scheme-list",
        "post",
        lambda w: "/api/v1/evaluation/schemes/",
        expect(401, 403, 403, 403, 201),
        data=lambda w: {
            "name": "方案",
            "year": 2025,
            "period": "H1",
            "regions": ["500103"],
            "indicators": [{"code": "x", "name": "新增企业数", "weight": "100", "source": "new_enterprises"}],
        },
    ),
    Case(
        "evaluation-scheme-detail",
        "get",
        lambda w: f"/api/v1/evaluation/schemes/{_scheme(w).pk}/",
        expect(401, 403, 200, 200, 200),
    ),
    Case(
        "evaluation-scheme-manual-scores",
        "get",
        lambda w: f"/api/v1/evaluation/schemes/{_scheme(w).pk}/manual-scores/",
        expect(401, 403, 200, 200, 200),
    ),
    Case(
        "evaluation-scheme-manual-scores",
        "post",
        lambda w: f"/api/v1/evaluation/schemes/{_scheme(w).pk}/manual-scores/",
        expect(401, 403, 403, 403, 400),
        data=lambda w: {"region": "500103", "indicator": "employees", "score": "1"},
    ),
    Case(
        "evaluation-scheme-recompute",
        "post",
        lambda w: f"/api/v1/evaluation/schemes/{_scheme(w).pk}/recompute/",
        expect(401, 403, 403, 403, 202),
    ),
    Case("evaluation-run-list", "get", lambda w: "/api/v1/evaluation/runs/", expect(401, 403, 200, 200, 200)),
    Case("evaluation-run-detail", "get", _run("published"), expect(401, 403, 200, 200, 200)),
    Case("evaluation-run-detail", "get", _run("done"), expect(401, 403, 404, 404, 200)),
    Case(
        "evaluation-run-detail",
        "patch",
        _run("done"),
        expect(401, 403, 403, 403, 200),
        data=lambda w: {"note": "x"},
    ),
    Case(
        "evaluation-run-publish",
        "post",
        lambda w: _run("done")(w) + "publish/",
        expect(401, 403, 403, 403, 200),
    ),
]


def _run_page(status, suffix=""):
    def make(w):
        return _run(status)(w).replace("/api/v1/evaluation/runs/", "/evaluation/runs/") + suffix

    return make


CASES += [
    Case("evaluation:schemes", "get", lambda w: "/evaluation/", expect(302, 403, 200, 200, 200), api=False),
    Case(
        "evaluation:scheme",
        "get",
        lambda w: f"/evaluation/schemes/{_scheme(w).pk}/",
        expect(302, 403, 200, 200, 200),
        api=False,
    ),
    Case(
        "evaluation:scheme",
        "post",
        lambda w: f"/evaluation/schemes/{_scheme(w).pk}/",
        expect(302, 403, 403, 403, 302),
        api=False,
        data=lambda w: {"region": "500103", "indicator": "employees", "score": "1"},
    ),
    Case(
        "evaluation:recompute",
        "post",
        lambda w: f"/evaluation/schemes/{_scheme(w).pk}/recompute/",
        expect(302, 403, 403, 403, 302),
        api=False,
    ),
    Case("evaluation:run", "get", _run_page("published"), expect(302, 403, 200, 200, 200), api=False),
    Case("evaluation:run", "get", _run_page("done"), expect(302, 403, 404, 404, 200), api=False),
    Case(
        "evaluation:publish",
        "post",
        _run_page("done", "publish/"),
        expect(302, 403, 403, 403, 302),
        api=False,
    ),
    Case(
        "evaluation:scorecard",
        "get",
        _run_page("published", "regions/500103/"),
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
]

# --- Excel imports (issue 8) ---------------------------------------------------------------------------
# City staff and district officers import; enterprise users get 403. A job is its region's: the own region's
# officer's job is 404 for the other region's officer.


def _import_job(w):
    from portal.models import ImportJob

    job = ImportJob.objects.filter(actor=w.district).first()
    return job or ImportJob.objects.create(
        kind="buildings", actor=w.district, content=b"", status="done", summary={"errors": 1}
    )


CASES += [
    # The matrix posts JSON: past the role check an import wants multipart (415).
    Case("import-run", "post", lambda w: "/api/v1/imports/buildings/", expect(401, 403, 415, 415, 415)),
    Case(
        "import-template",
        "get",
        lambda w: "/api/v1/imports/enterprises/template/",
        expect(401, 403, 200, 200, 200),
    ),
    Case(
        "import-job",
        "get",
        lambda w: f"/api/v1/imports/jobs/{_import_job(w).pk}/",
        expect(401, 403, 404, 200, 200),
    ),
    Case("imports:index", "get", lambda w: "/imports/", expect(302, 403, 200, 200, 200), api=False),
    Case(
        "imports:upload", "post", lambda w: "/imports/buildings/", expect(302, 403, 400, 400, 400), api=False
    ),
    Case(
        "imports:job",
        "get",
        lambda w: f"/imports/jobs/{_import_job(w).pk}/",
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "imports:confirm",
        "post",
        lambda w: f"/imports/jobs/{_import_job(w).pk}/confirm/",
        expect(302, 403, 404, 403, 403),
        api=False,
    ),
]

# --- programmes ----------------------------------------------------------------------------------------
# Programmes and targets are reference data loaded by migration (004's text is published). The work item,
# project and event of a case are the own region's (渝中区), made on first use and found again afterwards.


def _programme(w):
    from programmes.models import Programme

    return Programme.objects.get(code="004")


def _manual_target(w):
    from programmes.models import Target

    return Target.objects.get(programme__code="001", name="软件领军人才")


def _work_item(w):
    from programmes.models import WorkItem
    from tests.factories import make_work_item

    return WorkItem.objects.filter(number="M-1").first() or make_work_item(w.own_region_code, number="M-1")


def _project(w):
    from programmes.models import InvestmentProject
    from tests.factories import make_project

    return InvestmentProject.objects.filter(name="矩阵招商项目").first() or make_project(w.own_region_code)


def _event(w):
    from programmes.models import Event
    from tests.factories import make_event

    return Event.objects.filter(name="矩阵活动").first() or make_event(w.own_region_code)


def _new_programme(w):
    return {
        "code": "m-2026",
        "title": "矩阵测试文件",
        "short_name": "矩阵文件",
        "issuer": "市经济信息委",
        "issued_on": "2026-01-05",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "published": "on",
    }


def _new_target(w):
    return {
        "name": "矩阵目标",
        "metric": "manual",
        "unit": "个",
        "year": 2025,
        "comparison": "gte",
        "target_value": "3",
    }


def _new_project(w, region):
    return {
        "name": "矩阵新项目",
        "investor": "重庆投资有限公司",
        "region": region,
        "amount": "500.00",
        "stage": "signed",
        "signed_on": "2025-03-01",
    }


def _new_event(w, region):
    return {"name": "矩阵新活动", "kind": "forum", "region": region, "held_on": "2025-04-01"}


CASES += [
    Case("programme-list", "get", lambda w: "/api/v1/programmes/", expect(200, 200, 200, 200, 200)),
    Case(
        "programme-list",
        "post",
        lambda w: "/api/v1/programmes/",
        expect(401, 403, 403, 403, 201),
        data=lambda w: {**_new_programme(w), "published": True},
    ),
    Case(
        "programme-detail",
        "get",
        lambda w: f"/api/v1/programmes/{_programme(w).pk}/",
        expect(200, 200, 200, 200, 200),
    ),
    Case(
        "programme-detail",
        "patch",
        lambda w: f"/api/v1/programmes/{_programme(w).pk}/",
        expect(401, 403, 403, 403, 200),
        data=lambda w: {"summary": "全市总体方案。"},
    ),
    Case("target-list", "get", lambda w: "/api/v1/targets/", expect(200, 200, 200, 200, 200)),
    Case(
        "target-list",
        "post",
        lambda w: "/api/v1/targets/",
        expect(401, 403, 403, 403, 201),
        data=lambda w: {**_new_target(w), "programme": "004"},
    ),
    Case(
        "target-detail",
        "get",
        lambda w: f"/api/v1/targets/{_manual_target(w).pk}/",
        expect(200, 200, 200, 200, 200),
    ),
    Case(
        "target-detail",
        "patch",
        lambda w: f"/api/v1/targets/{_manual_target(w).pk}/",
        expect(401, 403, 403, 403, 200),
        data=lambda w: {"note": "择优遴选10人"},
    ),
    Case(
        "target-progress",
        "get",
        lambda w: f"/api/v1/targets/{_manual_target(w).pk}/progress/",
        expect(200, 200, 200, 200, 200),
    ),
    Case(
        "target-progress",
        "post",
        lambda w: f"/api/v1/targets/{_manual_target(w).pk}/progress/",
        expect(401, 403, 403, 403, 201),
        data=lambda w: {"reported_on": "2023-11-30", "value": "10", "evidence": "评选结果公示"},
    ),
    Case("work-item-list", "get", lambda w: "/api/v1/work-items/", expect(401, 403, 200, 200, 200)),
    Case(
        "work-item-list",
        "post",
        lambda w: "/api/v1/work-items/",
        expect(401, 403, 403, 403, 201),
        data=lambda w: {
            "programme": "000",
            "number": "M-9",
            "title": "矩阵新事项",
            "kind": "annual",
            "responsible_units": "市经济信息委",
            "due_date": "2026-12-31",
        },
    ),
    Case(
        "work-item-detail",
        "get",
        lambda w: f"/api/v1/work-items/{_work_item(w).pk}/",
        expect(401, 403, 404, 200, 200),
    ),
    Case(
        "work-item-detail",
        "patch",
        lambda w: f"/api/v1/work-items/{_work_item(w).pk}/",
        expect(401, 403, 404, 200, 200),
        data=lambda w: {"status": "in_progress"},
    ),
    Case(
        "work-item-notes",
        "get",
        lambda w: f"/api/v1/work-items/{_work_item(w).pk}/notes/",
        expect(401, 403, 404, 200, 200),
    ),
    Case(
        "work-item-notes",
        "post",
        lambda w: f"/api/v1/work-items/{_work_item(w).pk}/notes/",
        expect(401, 403, 404, 201, 201),
        data=lambda w: {"note": "已召开调度会。", "status": "in_progress"},
    ),
    Case(
        "investment-project-list",
        "get",
        lambda w: "/api/v1/investment-projects/",
        expect(401, 403, 200, 200, 200),
    ),
    Case(
        "investment-project-list",
        "post",
        lambda w: "/api/v1/investment-projects/",
        expect(401, 403, 400, 201, 201),
        data=lambda w: _new_project(w, w.own_region_code),
    ),
    Case(
        "investment-project-detail",
        "get",
        lambda w: f"/api/v1/investment-projects/{_project(w).pk}/",
        expect(401, 403, 404, 200, 200),
    ),
    Case(
        "investment-project-detail",
        "patch",
        lambda w: f"/api/v1/investment-projects/{_project(w).pk}/",
        expect(401, 403, 404, 200, 200),
        data=lambda w: {"note": "已完成工商注册"},
    ),
    Case("event-list", "get", lambda w: "/api/v1/events/", expect(401, 403, 200, 200, 200)),
    Case(
        "event-list",
        "post",
        lambda w: "/api/v1/events/",
        expect(401, 403, 400, 201, 201),
        data=lambda w: _new_event(w, w.own_region_code),
    ),
    Case("event-detail", "get", lambda w: f"/api/v1/events/{_event(w).pk}/", expect(401, 403, 404, 200, 200)),
    Case(
        "event-detail",
        "patch",
        lambda w: f"/api/v1/events/{_event(w).pk}/",
        expect(401, 403, 404, 200, 200),
        data=lambda w: {"participants": 120},
    ),
    Case("programmes:dashboard", "get", _page("/dashboard/"), expect(302, 403, 403, 403, 200), api=False),
    Case(
        "programmes:region-dashboard",
        "get",
        _page("/dashboard/region/"),
        expect(302, 403, 200, 200, 200),
        api=False,
    ),
    Case("programmes:progress", "get", _page("/progress/"), expect(200, 200, 200, 200, 200), api=False),
    Case("programmes:list", "get", _page("/programmes/"), expect(302, 200, 200, 200, 200), api=False),
    Case("programmes:create", "get", _page("/programmes/new/"), expect(302, 403, 403, 403, 200), api=False),
    Case(
        "programmes:create",
        "post",
        _page("/programmes/new/"),
        expect(302, 403, 403, 403, 302),
        api=False,
        data=_new_programme,
    ),
    Case(
        "programmes:detail",
        "get",
        lambda w: f"/programmes/{_programme(w).pk}/",
        expect(302, 200, 200, 200, 200),
        api=False,
    ),
    Case(
        "programmes:text",
        "get",
        lambda w: f"/programmes/{_programme(w).pk}/text/",
        expect(200, 200, 200, 200, 200),
        api=False,
    ),
    Case(
        "programmes:target-create",
        "get",
        lambda w: f"/programmes/{_programme(w).pk}/targets/new/",
        expect(302, 403, 403, 403, 200),
        api=False,
    ),
    Case(
        "programmes:target-create",
        "post",
        lambda w: f"/programmes/{_programme(w).pk}/targets/new/",
        expect(302, 403, 403, 403, 302),
        api=False,
        data=_new_target,
    ),
    Case("programmes:targets", "get", _page("/targets/"), expect(302, 200, 200, 200, 200), api=False),
    Case(
        "programmes:target",
        "get",
        lambda w: f"/targets/{_manual_target(w).pk}/",
        expect(302, 200, 200, 200, 200),
        api=False,
    ),
    Case(
        "programmes:target-progress",
        "post",
        lambda w: f"/targets/{_manual_target(w).pk}/progress/",
        expect(302, 403, 403, 403, 302),
        api=False,
        data=lambda w: {"reported_on": "2023-11-30", "value": "10", "evidence": "评选结果公示"},
    ),
    Case("programmes:work-items", "get", _page("/work-items/"), expect(302, 403, 200, 200, 200), api=False),
    Case(
        "programmes:work-item",
        "get",
        lambda w: f"/work-items/{_work_item(w).pk}/",
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "programmes:work-item",
        "post",
        lambda w: f"/work-items/{_work_item(w).pk}/",
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: {"note": "已召开调度会。", "status": "in_progress"},
    ),
    Case("programmes:projects", "get", _page("/projects/"), expect(302, 403, 200, 200, 200), api=False),
    Case(
        "programmes:project-create",
        "get",
        _page("/projects/new/"),
        expect(302, 403, 200, 200, 200),
        api=False,
    ),
    Case(
        "programmes:project-create",
        "post",
        _page("/projects/new/"),
        expect(302, 403, 400, 302, 302),
        api=False,
        data=lambda w: _new_project(w, w.district.region_id),
    ),
    Case(
        "programmes:project-edit",
        "get",
        lambda w: f"/projects/{_project(w).pk}/edit/",
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "programmes:project-edit",
        "post",
        lambda w: f"/projects/{_project(w).pk}/edit/",
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: _new_project(w, w.district.region_id),
    ),
    Case("programmes:events", "get", _page("/events/"), expect(302, 403, 200, 200, 200), api=False),
    Case("programmes:event-create", "get", _page("/events/new/"), expect(302, 403, 200, 200, 200), api=False),
    Case(
        "programmes:event-create",
        "post",
        _page("/events/new/"),
        expect(302, 403, 400, 302, 302),
        api=False,
        data=lambda w: _new_event(w, w.district.region_id),
    ),
    Case(
        "programmes:event-edit",
        "get",
        lambda w: f"/events/{_event(w).pk}/edit/",
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "programmes:event-edit",
        "post",
        lambda w: f"/events/{_event(w).pk}/edit/",
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: _new_event(w, w.district.region_id),
    ),
]


# --- authentication, documentation, health (issue 10: every route, not only records) ------------------------
def _credentials(password):
    def data(w):
        from tests.factories import TEST_PASSWORD

        return {
            "username": w.district.username,
            "password": TEST_PASSWORD if password else "wrong-password-1",
        }

    return data


CASES += [
    Case("health", "get", _page("/health/"), expect(200, 200, 200, 200, 200), api=False),
    # Signed-in callers are sent on (redirect_authenticated_user); a wrong password re-shows the form.
    Case("login", "get", _page("/login/"), expect(200, 302, 302, 302, 302), api=False),
    Case(
        "login",
        "post",
        _page("/login/"),
        expect(200, 302, 302, 302, 302),
        data=_credentials(False),
        api=False,
    ),
    Case("logout", "post", _page("/logout/"), expect(302, 302, 302, 302, 302), api=False),
    Case("password_change", "get", _page("/password/"), expect(302, 200, 200, 200, 200), api=False),
    Case(
        "password_change",
        "post",
        _page("/password/"),
        expect(302, 200, 200, 200, 200),
        data=lambda w: {"old_password": "wrong-password-1", "new_password1": "x", "new_password2": "x"},
        api=False,
    ),
    Case("password_change_done", "get", _page("/password/done/"), expect(302, 200, 200, 200, 200), api=False),
    # The token endpoint ignores who calls it: the credentials in the body decide.
    Case(
        "api-token",
        "post",
        lambda w: "/api/v1/auth/token/",
        expect(200, 200, 200, 200, 200),
        data=_credentials(True),
    ),
    Case(
        "api-token",
        "post",
        lambda w: "/api/v1/auth/token/",
        expect(400, 400, 400, 400, 400),
        data=_credentials(False),
    ),
    Case("api-root", "get", lambda w: "/api/v1/", expect(401, 200, 200, 200, 200)),
    Case("api-schema", "get", lambda w: "/api/v1/schema/", expect(200, 200, 200, 200, 200)),
    Case("api-docs", "get", lambda w: "/api/v1/docs/", expect(200, 200, 200, 200, 200)),
    # The admin site answers only is_staff accounts (Django's own model permissions inside); no portal role
    # without is_staff gets past its login.
    Case("admin:index", "get", _page("/admin/"), expect(302, 302, 302, 302, 302), api=False),
]

# Routes the coverage checks of tests/portal/test_permissions.py leave out, each with its reason.
NOT_SCOPED = {
    "admin": "Django's admin site (namespace admin): is_staff and Django's model permissions guard every page; "
    "the admin:index case shows a portal role without is_staff does not get in.",
}

# --- buildings -----------------------------------------------------------------------------------------
# The target records are the own region's (渝中区): a plain building, a current 示范楼宇 and an occupancy of
# the own enterprise. Made on first use through the services, found again afterwards.


def _building(w, name="矩阵楼宇", designated=False):
    from buildings.models import Building
    from tests.factories import designate, make_building

    building = Building.objects.filter(region__code=w.own_region_code, name=name).first()
    if building is None:
        building = make_building(w.own_region_code, name=name)
        if designated:
            designate(building)
    return building


def _showcase(w):
    return _building(w, name="矩阵示范楼宇", designated=True)


def _occupancy(w):
    from buildings.models import Occupancy
    from tests.factories import make_occupancy

    building = _building(w)
    return Occupancy.objects.filter(building=building).first() or make_occupancy(building, w.own_enterprise)


def _new_building(w):
    return {
        "name": "矩阵新楼宇",
        "region": w.own_region_code,
        "address": "民族路 1 号",
        "owner": "渝中城投",
        "gross_area": "20000.00",
        "acquired_area": "15000.00",
        "acquired_on": "2025-01-10",
        "letting_area": "12000.00",
    }


def _new_occupancy(w):
    return {
        "building": _building(w).pk,
        "enterprise": w.own_enterprise.pk,
        "area": "800.00",
        "start_date": "2025-03-01",
    }


def _building_page(suffix=""):
    return lambda w: f"/buildings/{_building(w).pk}/{suffix}"


CASES += [
    Case("building-list", "get", lambda w: "/api/v1/buildings/", expect(401, 403, 200, 200, 200)),
    Case(
        "building-list",
        "post",
        lambda w: "/api/v1/buildings/",
        expect(401, 403, 400, 201, 201),
        data=_new_building,
    ),
    Case(
        "building-detail",
        "get",
        lambda w: f"/api/v1/buildings/{_building(w).pk}/",
        expect(401, 403, 404, 200, 200),
    ),
    Case(
        "building-detail",
        "patch",
        lambda w: f"/api/v1/buildings/{_building(w).pk}/",
        expect(401, 403, 404, 200, 200),
        data=lambda w: {"operator": "渝中楼宇运营有限公司"},
    ),
    Case(
        "building-designate",
        "post",
        lambda w: f"/api/v1/buildings/{_building(w).pk}/designate/",
        expect(401, 403, 403, 403, 201),
        data=lambda w: {"batch": 3, "designated_on": "2025-06-01"},
    ),
    Case(
        "building-revoke",
        "post",
        lambda w: f"/api/v1/buildings/{_showcase(w).pk}/revoke/",
        expect(401, 403, 403, 403, 200),
        data=lambda w: {"reason": "入驻率持续偏低"},
    ),
    Case("occupancy-list", "get", lambda w: "/api/v1/occupancies/", expect(401, 200, 200, 200, 200)),
    Case(
        "occupancy-list",
        "post",
        lambda w: "/api/v1/occupancies/",
        expect(401, 403, 404, 201, 201),
        data=_new_occupancy,
    ),
    Case(
        "occupancy-detail",
        "get",
        lambda w: f"/api/v1/occupancies/{_occupancy(w).pk}/",
        expect(401, 200, 404, 200, 200),
    ),
    Case(
        "occupancy-detail",
        "patch",
        lambda w: f"/api/v1/occupancies/{_occupancy(w).pk}/",
        expect(401, 403, 404, 200, 200),
        data=lambda w: {"area": "900.00"},
    ),
    Case(
        "demonstration-building-list",
        "get",
        lambda w: "/api/v1/demonstration-buildings/",
        expect(200, 200, 200, 200, 200),
    ),
    Case(
        "demonstration-building-detail",
        "get",
        lambda w: f"/api/v1/demonstration-buildings/{_showcase(w).pk}/",
        expect(200, 200, 200, 200, 200),
    ),
    Case("buildings-ledger", "get", lambda w: "/buildings/", expect(302, 403, 200, 200, 200), api=False),
    Case("buildings-create", "get", lambda w: "/buildings/new/", expect(302, 403, 200, 200, 200), api=False),
    Case(
        "buildings-create",
        "post",
        lambda w: "/buildings/new/",
        expect(302, 403, 302, 302, 302),
        api=False,
        data=lambda w: {**_new_building(w), "region": _building(w).region_id, "renovation_status": "done"},
    ),
    Case("buildings-detail", "get", _building_page(), expect(302, 403, 404, 200, 200), api=False),
    Case("buildings-update", "get", _building_page("edit/"), expect(302, 403, 404, 200, 200), api=False),
    Case(
        "buildings-update",
        "post",
        _building_page("edit/"),
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: {**_new_building(w), "region": _building(w).region_id, "renovation_status": "done"},
    ),
    Case(
        "buildings-occupancy-create",
        "get",
        _building_page("occupancies/new/"),
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "buildings-occupancy-create",
        "post",
        _building_page("occupancies/new/"),
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: {"enterprise": w.own_enterprise.pk, "area": "500", "start_date": "2025-02-01"},
    ),
    Case(
        "buildings-occupancy-update",
        "get",
        lambda w: f"/buildings/occupancies/{_occupancy(w).pk}/edit/",
        expect(302, 403, 404, 200, 200),
        api=False,
    ),
    Case(
        "buildings-occupancy-update",
        "post",
        lambda w: f"/buildings/occupancies/{_occupancy(w).pk}/edit/",
        expect(302, 403, 404, 302, 302),
        api=False,
        data=lambda w: {"area": "700", "start_date": "2025-01-01", "end_date": ""},
    ),
    Case(
        "buildings-designate", "get", _building_page("designate/"), expect(302, 403, 403, 403, 200), api=False
    ),
    Case(
        "buildings-designate",
        "post",
        _building_page("designate/"),
        expect(302, 403, 403, 403, 302),
        api=False,
        data=lambda w: {"batch": 3, "designated_on": "2025-06-01"},
    ),
    Case(
        "buildings-revoke",
        "get",
        lambda w: f"/buildings/{_showcase(w).pk}/revoke/",
        expect(302, 403, 403, 403, 200),
        api=False,
    ),
    Case(
        "buildings-revoke",
        "post",
        lambda w: f"/buildings/{_showcase(w).pk}/revoke/",
        expect(302, 403, 403, 403, 302),
        api=False,
        data=lambda w: {"reason": "入驻率持续偏低"},
    ),
    Case(
        "buildings-selection",
        "get",
        lambda w: "/buildings/selection/",
        expect(302, 403, 403, 403, 200),
        api=False,
    ),
    Case(
        "demonstration-buildings",
        "get",
        lambda w: "/demonstration-buildings/",
        expect(200, 200, 200, 200, 200),
        api=False,
    ),
    Case(
        "demonstration-building-page",
        "get",
        lambda w: f"/demonstration-buildings/{_showcase(w).pk}/",
        expect(200, 200, 200, 200, 200),
        api=False,
    ),
]
