"""应用场景 (SPEC §6; 004 tasks 6–7; 001 §3.6; 002 tasks 14–15): scenarios opened by government departments,
state-owned units and key industries, published in numbered, dated lists (清单) by the city or a district,
applied for (揭榜) by enterprises, awarded (定榜) to one or more winners, implemented and delivered (落地).

Every lifecycle step goes through ``scenarios.services`` and leaves a ``ScenarioTransition`` row; the models
carry the database's share of the rules in ``Meta.constraints``.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from portal.choices import Role
from portal.models import Region
from portal.scoping import ScopedQuerySet, role_of

from .choices import PUBLISHED_STATES, ApplicationStatus, Domain, Level, OwnerType, ScenarioStatus

MONEY = {"max_digits": 12, "decimal_places": 2}
ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "zip", "rar", "jpg", "png"]


class ScenarioSettings(models.Model):
    """The scenario settings a city administrator may change (SPEC assumptions), one row, in the admin."""

    application_days = models.PositiveSmallIntegerField(
        "默认揭榜期限（天）",
        default=30,
        help_text="发布时未指定揭榜截止日期的，截止日期为发布日期加上此天数。",
    )
    attachment_max_mb = models.PositiveSmallIntegerField("揭榜附件大小上限（MB）", default=20)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "应用场景设置"
        verbose_name_plural = "应用场景设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(application_days__gte=1), name="scenario_application_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(attachment_max_mb__gte=1), name="scenario_attachment_max_positive"
            ),
        ]

    def __str__(self):
        return "应用场景设置"

    @classmethod
    def current(cls) -> "ScenarioSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


class ScenarioListQuerySet(ScopedQuerySet):
    region_path = "region"

    def public(self):
        """Published lists are public: they exist only once a scenario is published in them."""
        return self.all()

    def visible_to(self, user):
        return self.all()


class ScenarioList(models.Model):
    """A numbered, dated 应用场景清单: the city's (no region) or a district's. Every scenario a publisher
    publishes on one day goes into that day's list; lists are numbered per publisher and year in date order
    (``500103-2025-02`` is 渝中区's second list of 2025, ``CITY-2025-01`` the city's first)."""

    level = models.CharField("发布层级", max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="发布区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenario_lists",
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("批次")
    published_on = models.DateField("发布日期")
    code = models.CharField("清单编号", max_length=30, unique=True)

    objects = ScenarioListQuerySet.as_manager()

    class Meta:
        verbose_name = "应用场景清单"
        verbose_name_plural = "应用场景清单"
        ordering = ["-published_on", "level", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=Level.CITY, region__isnull=True)
                | Q(level=Level.DISTRICT, region__isnull=False),
                name="scenario_list_region_iff_district",
                violation_error_message="市级清单不属于任何区域，区县级清单必须属于一个区域。",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="scenario_list_number_positive"),
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(level=Level.CITY),
                name="scenario_list_city_number_unique",
            ),
            models.UniqueConstraint(
                fields=["region", "year", "number"],
                condition=Q(level=Level.DISTRICT),
                name="scenario_list_district_number_unique",
            ),
            models.UniqueConstraint(
                fields=["published_on"],
                condition=Q(level=Level.CITY),
                name="scenario_list_city_one_per_day",
            ),
            models.UniqueConstraint(
                fields=["region", "published_on"],
                condition=Q(level=Level.DISTRICT),
                name="scenario_list_district_one_per_day",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def publisher(self) -> str:
        return "市级" if self.level == Level.CITY else self.region.name

    @property
    def title(self) -> str:
        return f"{self.publisher}应用场景清单（{self.year}年第{self.number}批）"


class ScenarioQuerySet(ScopedQuerySet):
    region_path = "region"
    enterprise_path = None  # enterprise users read what is public

    def public(self):
        """Anyone may read a scenario once it has been published in a 清单 (SPEC §1, §6), whatever happened
        to it since (定榜, 实施, 落地 or 终止). Scenarios still being collected never leak."""
        return self.filter(published_on__isnull=False)

    def visible_to(self, user):
        """City staff: everything; a district officer: its region's scenarios and every published one;
        everybody else: the published ones."""
        role = role_of(user)
        if role == Role.DISTRICT and user.region_id:
            return self.filter(Q(region=user.region_id) | Q(published_on__isnull=False))
        if role == Role.CITY:
            return self.all()
        return self.public()

    def workable_by(self, user):
        """Of what a caller sees, what it may act on: its own scope without the public part. Another region's
        published scenario reads like any public page, but a write to it is 404 (out of scope)."""
        return ScopedQuerySet.visible_to(self, user)

    def in_states(self, *states):
        return self.filter(status__in=states)


class Scenario(models.Model):
    """An application scenario 应用场景 (SPEC §6).

    ``level`` says who manages and publishes it: a city-level scenario is the city's (市经济信息委) and goes
    into the city's lists; a district-level one is its region's officers' and goes into that region's lists.
    Both kinds belong to the region where the scenario is built.

    Publication needs "边界清晰、业主明确、资金落实": a scope, an owner unit, and a funding amount above 0 with
    its source. The database refuses a published scenario without them.
    """

    title = models.CharField("场景名称", max_length=200)
    level = models.CharField("发布层级", max_length=10, choices=Level.choices, default=Level.DISTRICT)
    region = models.ForeignKey(
        Region, verbose_name="所在区域", on_delete=models.PROTECT, related_name="scenarios"
    )
    domain = models.CharField("应用领域", max_length=20, choices=Domain.choices)
    owner_type = models.CharField("业主类型", max_length=20, choices=OwnerType.choices)
    owner_unit = models.CharField("业主单位", max_length=200, blank=True)
    scope = models.TextField("建设内容和边界", blank=True, help_text="场景需求、建设内容、边界和验收要求。")
    funding_amount = models.DecimalField("资金金额（万元）", **MONEY, null=True, blank=True)
    funding_source = models.CharField(
        "资金来源", max_length=200, blank=True, help_text="例如：财政预算资金、企业自筹、专项债。"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ScenarioStatus.choices, default=ScenarioStatus.COLLECTED
    )
    published_list = models.ForeignKey(
        ScenarioList,
        verbose_name="所属清单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenarios",
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    deadline = models.DateField("揭榜截止日期", null=True, blank=True)
    awarded_on = models.DateField("定榜日期", null=True, blank=True)
    started_on = models.DateField("开始实施日期", null=True, blank=True)
    delivered_on = models.DateField("落地日期", null=True, blank=True)
    delivery_evidence = models.CharField(
        "落地证明", max_length=500, blank=True, help_text="验收报告、上线通知等文件的名称、文号或链接。"
    )
    withdrawn_on = models.DateField("终止日期", null=True, blank=True)
    withdraw_reason = models.CharField("终止原因", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = "应用场景"
        verbose_name_plural = "应用场景"
        ordering = ["-published_on", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "domain"]),
            models.Index(fields=["level", "status"]),
            # The metrics filter on these dates and group by region.
            models.Index(fields=["published_on", "region"]),
            models.Index(fields=["awarded_on", "region"]),
            models.Index(fields=["delivered_on", "region"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "title"],
                name="scenario_title_unique_in_region",
                violation_error_message="本区域已有同名应用场景。",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ScenarioStatus.COLLECTED, published_list__isnull=True, published_on__isnull=True)
                    | Q(
                        status__in=PUBLISHED_STATES,
                        published_list__isnull=False,
                        published_on__isnull=False,
                        deadline__isnull=False,
                    )
                    | Q(status=ScenarioStatus.WITHDRAWN)
                    & (
                        Q(published_list__isnull=True, published_on__isnull=True)
                        | Q(published_list__isnull=False, published_on__isnull=False, deadline__isnull=False)
                    )
                ),
                name="scenario_published_in_a_list",
                violation_error_message="已发布的场景必须属于一个清单，并有发布日期和揭榜截止日期。",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | (
                    Q(funding_amount__isnull=False, funding_amount__gt=0)
                    & ~Q(owner_unit="")
                    & ~Q(scope="")
                    & ~Q(funding_source="")
                    & Q(deadline__isnull=False, deadline__gte=F("published_on"))
                ),
                name="scenario_publication_requirements",
                violation_error_message="发布的场景必须边界清晰、业主明确、资金落实。",
            ),
            models.CheckConstraint(
                condition=Q(funding_amount__isnull=True) | Q(funding_amount__gte=0),
                name="scenario_funding_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[ScenarioStatus.AWARDED, ScenarioStatus.IN_PROGRESS, ScenarioStatus.DELIVERED]
                )
                | Q(awarded_on__isnull=False, awarded_on__gte=F("published_on")),
                name="scenario_awarded_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScenarioStatus.IN_PROGRESS)
                | Q(started_on__isnull=False, started_on__gte=F("awarded_on")),
                name="scenario_in_progress_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScenarioStatus.DELIVERED)
                | (
                    Q(delivered_on__isnull=False, delivered_on__gte=F("awarded_on"))
                    & ~Q(delivery_evidence="")
                ),
                name="scenario_delivered_has_date_and_evidence",
                violation_error_message="落地的场景必须有落地日期和证明材料。",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScenarioStatus.WITHDRAWN)
                | (Q(withdrawn_on__isnull=False) & ~Q(withdraw_reason="")),
                name="scenario_withdrawn_has_reason",
                violation_error_message="终止的场景必须有终止日期和原因。",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.published_on is not None

    @property
    def list_no(self) -> str | None:
        return self.published_list.code if self.published_list_id else None

    def is_open_on(self, day) -> bool:
        """Applications (揭榜) are taken while published, up to and including the deadline."""
        return self.status == ScenarioStatus.PUBLISHED and self.deadline is not None and day <= self.deadline


class ScenarioApplicationQuerySet(ScopedQuerySet):
    region_path = "scenario__region"  # the region whose scenario it is reviews it
    enterprise_path = "enterprise"

    def public(self):
        """The winners of a published scenario are announced (公示): enterprise and amount."""
        return self.filter(status=ApplicationStatus.WON, scenario__published_on__isnull=False)


def attachment_path(application, filename: str) -> str:
    return f"scenario-applications/{application.scenario_id}/{filename}"


class ScenarioApplication(models.Model):
    """An enterprise's 揭榜 application for a published scenario: its proposal and an optional attachment.
    At 定榜 it is either chosen (中榜, with the amount awarded) or not."""

    scenario = models.ForeignKey(
        Scenario, verbose_name="应用场景", on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="揭榜企业",
        on_delete=models.PROTECT,
        related_name="scenario_applications",
    )
    proposal = models.TextField("揭榜方案", help_text="技术方案、实施计划、团队和类似项目经验。")
    attachment = models.FileField(
        "方案附件",
        upload_to=attachment_path,
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    status = models.CharField(
        "状态", max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    amount = models.DecimalField("中榜金额（万元）", **MONEY, null=True, blank=True)
    applied_on = models.DateField("揭榜日期")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="揭榜人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScenarioApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "揭榜申请"
        verbose_name_plural = "揭榜申请"
        ordering = ["scenario", "applied_on", "pk"]
        indexes = [
            models.Index(fields=["applied_on"]),
            models.Index(fields=["enterprise", "applied_on"]),
            models.Index(fields=["scenario", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "enterprise"],
                name="scenario_application_once_per_enterprise",
                violation_error_message="该企业已揭榜这个场景，不能重复揭榜。",
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.WON, amount__isnull=False, amount__gt=0)
                | (~Q(status=ApplicationStatus.WON) & Q(amount__isnull=True)),
                name="scenario_application_amount_iff_won",
                violation_error_message="中榜的揭榜申请必须有大于 0 的中榜金额，其他申请不能有。",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} 揭榜 {self.scenario}"


class ScenarioTransition(models.Model):
    """One lifecycle step of a scenario: who moved it from which state to which, when, why, and what came
    with it (the list it was published in, the winners, the delivery evidence)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=20, choices=ScenarioStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ScenarioStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=500, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "应用场景流转记录"
        verbose_name_plural = "应用场景流转记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["scenario", "at"])]

    def __str__(self):
        return f"{self.scenario} {self.from_status}→{self.to_status}"
