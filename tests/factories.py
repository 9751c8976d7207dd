import factory
from stdnum.cn import uscc

from enterprises.models import Enterprise
from portal.choices import Role
from portal.models import Region, User

TEST_PASSWORD = "Test-passw0rd!"


def region(code: str) -> Region:
    """Regions are reference data loaded by migration: look them up, never create them."""
    return Region.objects.get(code=code)


def make_uscc(n: int, division: str = "500103") -> str:
    body = f"91{division}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(n))
    name = factory.Sequence(lambda n: f"重庆测试软件{n}有限公司")
    region = factory.LazyFunction(lambda: region("500103"))
    industry = "software"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CITY
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def city_user(**kwargs) -> User:
    return UserFactory(role=Role.CITY, **kwargs)


def district_user(code: str = "500103", **kwargs) -> User:
    return UserFactory(role=Role.DISTRICT, region=region(code), **kwargs)


def enterprise_user(enterprise: Enterprise | None = None, **kwargs) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise or EnterpriseFactory(), **kwargs)


# --- enterprises: monthly statistics ---------------------------------------------------------------------


def past_period(months_ago: int = 2):
    """A month that has ended, relative to today: reports can only be filed for those."""
    from django.utils import timezone

    from portal.periods import add_months, month_start

    return add_months(month_start(timezone.localdate()), -months_ago)


class ReportFactory(factory.django.DjangoModelFactory):
    """A monthly report written straight to the database (test set-up only; real writes use services)."""

    class Meta:
        model = "enterprises.MonthlyReport"

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.LazyFunction(past_period)
    status = "draft"
    employees = 100
    operating_revenue = 500
    software_product_revenue = 200
    it_service_revenue = 200
    security_revenue = 0
    embedded_revenue = 0
    software_revenue = factory.LazyAttribute(
        lambda r: r.software_product_revenue + r.it_service_revenue + r.security_revenue + r.embedded_revenue
    )


def report_payload(**overrides) -> dict:
    """A valid monthly report body for the API (figures as strings, as clients send them)."""
    data = {
        "employees": 120,
        "operating_revenue": "800.00",
        "software_product_revenue": "300.00",
        "basic_software_revenue": "50.00",
        "industrial_software_revenue": "80.00",
        "it_service_revenue": "350.00",
        "cloud_revenue": "100.00",
        "big_data_revenue": "0.00",
        "industrial_internet_revenue": "0.00",
        "ecommerce_platform_revenue": "0.00",
        "ic_design_revenue": "0.00",
        "security_revenue": "20.00",
        "ics_security_revenue": "5.00",
        "embedded_revenue": "30.00",
        "export_usd": "10.00",
        "profit": "-15.50",
        "rd_expense": "60.00",
        "payroll": "240.00",
    }
    data.update(overrides)
    return data


# --- buildings: the ledger, occupancies, 示范楼宇 ----------------------------------------------------------


def make_building(region_code: str = "500103", **overrides):
    """A ledger building made through the service, so its dated acquisition record exists too."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from buildings import services

    make_building.counter = getattr(make_building, "counter", 0) + 1
    data = {
        "name": f"测试楼宇{make_building.counter}",
        "region": region(region_code),
        "address": "重庆市测试大道 1 号",
        "owner": "重庆测试城市建设投资有限公司",
        "gross_area": Decimal("20000.00"),
        "acquired_area": Decimal("15000.00"),
        "acquired_on": timezone.localdate() - timedelta(days=400),
        "letting_area": Decimal("12000.00"),
    }
    data.update(overrides)
    return services.create_building(actor=None, **data)


def make_occupancy(building, enterprise=None, area="1000.00", days_ago: int = 100, **overrides):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from buildings import services

    data = {"start_date": timezone.localdate() - timedelta(days=days_ago), "end_date": None}
    data.update(overrides)
    enterprise = enterprise or EnterpriseFactory(region=building.region)
    return services.create_occupancy(
        actor=None, building=building, enterprise=enterprise, area=Decimal(area), **data
    )


def designate(building, batch: int = 1, days_ago: int = 30):
    from datetime import timedelta

    from django.utils import timezone

    from buildings import services

    return services.designate_building(
        actor=None,
        building=building,
        batch=batch,
        designated_on=timezone.localdate() - timedelta(days=days_ago),
    )


# --- scenarios: 应用场景, 揭榜, 定榜 ----------------------------------------------------------------------------


def scenario_data(region_code: str = "500103", **overrides) -> dict:
    """The fields of a scenario that meets "边界清晰、业主明确、资金落实"."""
    from decimal import Decimal

    make_scenario.counter = getattr(make_scenario, "counter", 0) + 1
    data = {
        "title": f"测试应用场景{make_scenario.counter}",
        "region": region(region_code),
        "domain": "government",
        "owner_type": "government",
        "owner_unit": "重庆市测试区大数据发展局",
        "scope": "建设政务服务智能客服系统：覆盖 200 项高频事项，接入“渝快办”，上线后 6 个月内完成验收。",
        "funding_amount": Decimal("300.00"),
        "funding_source": "区级财政预算资金",
    }
    data.update(overrides)
    return data


def make_scenario(
    region_code: str = "500103",
    *,
    status: str = "collected",
    level: str = "district",
    applicants=None,
    amount: str = "100.00",
    published_on=None,
    deadline=None,
    **overrides,
):
    """A scenario moved through the services (actor: the system) to ``status``, every step dated today unless
    ``published_on``/``deadline`` say otherwise. ``applicants`` (enterprises) apply while it is published; a
    scenario taken to 定榜 or beyond gets one applicant of its region by default, and the first applicant wins
    ``amount``. ``withdrawn`` is withdrawn after publication."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from scenarios import services

    today = timezone.localdate()
    scenario = services.create_scenario(actor=None, level=level, **scenario_data(region_code, **overrides))
    if status == "collected":
        return scenario
    published_on = published_on or today
    scenario = services.publish_scenario(
        actor=None,
        scenario=scenario,
        published_on=published_on,
        deadline=deadline or today + timedelta(days=20),
    )
    if applicants is None:
        applicants = (
            [] if status in ("published", "withdrawn") else [EnterpriseFactory(region=scenario.region)]
        )
    applications = [
        services.apply_for_scenario(
            actor=None,
            scenario=scenario,
            enterprise=enterprise,
            proposal="揭榜方案：技术路线与实施计划。",
            on=published_on,
        )
        for enterprise in applicants
    ]
    if status in ("awarded", "in_progress", "delivered"):
        winners = [{"application": applications[0], "amount": Decimal(amount)}]
        scenario = services.award_scenario(actor=None, scenario=scenario, winners=winners, awarded_on=today)
    if status in ("in_progress", "delivered"):
        scenario = services.start_scenario(actor=None, scenario=scenario, started_on=today)
    if status == "delivered":
        scenario = services.deliver_scenario(
            actor=None, scenario=scenario, delivered_on=today, evidence="验收报告（测试〔2025〕1号）"
        )
    if status == "withdrawn":
        scenario = services.withdraw_scenario(actor=None, scenario=scenario, reason="业主调整建设计划")
    scenario.refresh_from_db()
    return scenario


# --- programmes -----------------------------------------------------------------------------------------


def make_project(region_code: str = "500103", **overrides):
    """An investment project through the service (signed a month ago unless told otherwise)."""
    from datetime import timedelta

    from django.utils import timezone

    from programmes import services

    fields = {
        "name": "矩阵招商项目",
        "investor": "重庆测试投资有限公司",
        "amount": "10000.00",
        "signed_on": timezone.localdate() - timedelta(days=30),
    }
    fields.update(overrides)
    return services.create_project(actor=None, region=region(region_code), **fields)


def make_event(region_code: str | None = "500103", **overrides):
    from datetime import timedelta

    from django.utils import timezone

    from programmes import services

    fields = {"name": "矩阵活动", "kind": "forum", "held_on": timezone.localdate() - timedelta(days=10)}
    fields.update(overrides)
    return services.create_event(actor=None, region=region(region_code) if region_code else None, **fields)


def make_work_item(
    region_code: str | None = "500103", number: str = "T-1", programme_code: str = "000", **overrides
):
    from datetime import timedelta

    from django.utils import timezone

    from programmes import services
    from programmes.models import Programme

    fields = {
        "number": number,
        "title": "矩阵工作事项",
        "kind": "annual",
        "responsible_units": "区经济信息委",
        "due_date": timezone.localdate() + timedelta(days=30),
    }
    fields.update(overrides)
    return services.create_work_item(
        actor=None,
        programme=Programme.objects.get(code=programme_code),
        region=region(region_code) if region_code else None,
        **fields,
    )
