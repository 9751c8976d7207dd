from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from portal.models import Region
from portal.scoping import ScopedQuerySet

from .choices import (
    ArrivalOrigin,
    FocusTag,
    HonourKind,
    Industry,
    PoolDecisionKind,
    PoolLevel,
    ReportStatus,
    SupportKind,
    TierLevel,
)
from .validators import validate_uscc

# The profile fields an enterprise user may edit itself.
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class EnterpriseQuerySet(ScopedQuerySet):
    region_path = "region"
    enterprise_path = "pk"


class Enterprise(models.Model):
    """A software or information-service enterprise (SPEC §3).

    The tier fields are computed from accepted December statistics (SPEC §3.1) and never typed.
    """

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField("企业名称", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="enterprises"
    )
    park = models.ForeignKey(
        Region,
        verbose_name="所属园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_enterprises",
    )
    address = models.CharField("注册地址", max_length=300, blank=True)
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name="所在楼宇",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_enterprises",
    )
    industry = models.CharField("产业方向", max_length=30, choices=Industry.choices)
    arrival_date = models.DateField("入驻日期", null=True, blank=True)
    arrival_origin = models.CharField(
        "入驻来源", max_length=20, choices=ArrivalOrigin.choices, default=ArrivalOrigin.NEW
    )
    relocated_from = models.ForeignKey(
        Region,
        verbose_name="迁出区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relocated_enterprises",
    )
    reporting = models.BooleanField("纳入月报", default=True, help_text="纳入月报的企业每月须报送统计数据。")
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    service_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="服务专员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="served_enterprises",
    )
    tier = models.CharField("梯度", max_length=10, choices=TierLevel.choices, blank=True)
    tier_year = models.PositiveSmallIntegerField("梯度依据年度", null=True, blank=True)
    tier_headcount = models.PositiveIntegerField("梯度依据从业人员", null=True, blank=True)
    tier_revenue = models.DecimalField(
        "梯度依据营业收入（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["region", "name"]),
            models.Index(fields=["region", "tier"]),
            models.Index(fields=["region", "industry"]),
            models.Index(fields=["arrival_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrival_origin=ArrivalOrigin.RELOCATED, relocated_from__isnull=False)
                | (~Q(arrival_origin=ArrivalOrigin.RELOCATED) & Q(relocated_from__isnull=True)),
                name="enterprise_relocated_from_iff_relocated",
                violation_error_message="市内迁移的企业必须填写迁出区域，其他企业不能填写。",
            ),
            models.CheckConstraint(
                condition=~Q(relocated_from=F("region")),
                name="enterprise_relocated_from_other_region",
                violation_error_message="迁出区域不能是企业现在所属的区域。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_relocated_within_city(self) -> bool:
        return self.arrival_origin == ArrivalOrigin.RELOCATED


class EnterpriseRecordQuerySet(ScopedQuerySet):
    """Records owned by an enterprise: in scope where their enterprise is."""

    region_path = "enterprise__region"
    enterprise_path = "enterprise"


class EnterpriseTag(models.Model):
    """One of 000's focus tags on an enterprise (工业软件, 汽车软件 …)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField("重点领域", max_length=30, choices=FocusTag.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "重点领域标签"
        verbose_name_plural = "重点领域标签"
        constraints = [models.UniqueConstraint(fields=["enterprise", "tag"], name="enterprise_tag_unique")]
        indexes = [models.Index(fields=["tag", "enterprise"])]

    def __str__(self):
        return self.get_tag_display()


class Honour(models.Model):
    """An honour, list or certification of an enterprise, with its year and evidence."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField("荣誉类型", max_length=30, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    evidence = models.CharField("证明材料", max_length=300, blank=True, help_text="文件名、文号或链接")

    history = HistoricalRecords()
    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "企业荣誉"
        verbose_name_plural = "企业荣誉"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "year"], name="honour_unique_per_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"


class SupportGrant(models.Model):
    """New-entrant support paid to an enterprise (004 task 4). Never to one relocated within Chongqing."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="support_grants")
    kind = models.CharField("支持类型", max_length=20, choices=SupportKind.choices)
    amount = models.DecimalField("金额（万元）", max_digits=12, decimal_places=2)
    granted_on = models.DateField("兑现日期")
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "新入驻企业支持"
        verbose_name_plural = "新入驻企业支持"
        ordering = ["-granted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="support_grant_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} 万元"


# --- Monthly statistics (SPEC §4) --------------------------------------------------------------------------

# The four parts that make 软件业务收入, and each part's "of which" rows.
SOFTWARE_PARTS = ("software_product_revenue", "it_service_revenue", "security_revenue", "embedded_revenue")
OF_WHICH = {
    "software_product_revenue": ("basic_software_revenue", "industrial_software_revenue"),
    "it_service_revenue": (
        "cloud_revenue",
        "big_data_revenue",
        "industrial_internet_revenue",
        "ecommerce_platform_revenue",
        "ic_design_revenue",
    ),
    "security_revenue": ("ics_security_revenue",),
}
# Figures reported cumulatively from January (本年累计): they never fall within a year. Profit may.
CUMULATIVE_FIELDS = (
    "operating_revenue",
    *SOFTWARE_PARTS,
    *(child for children in OF_WHICH.values() for child in children),
    "export_usd",
    "rd_expense",
    "payroll",
)
# Every typed figure, in form order.
FIGURE_FIELDS = (
    "employees",
    "operating_revenue",
    "software_product_revenue",
    "basic_software_revenue",
    "industrial_software_revenue",
    "it_service_revenue",
    "cloud_revenue",
    "big_data_revenue",
    "industrial_internet_revenue",
    "ecommerce_platform_revenue",
    "ic_design_revenue",
    "security_revenue",
    "ics_security_revenue",
    "embedded_revenue",
    "export_usd",
    "profit",
    "rd_expense",
    "payroll",
)


SOFTWARE_SUM = (
    F("software_product_revenue") + F("it_service_revenue") + F("security_revenue") + F("embedded_revenue")
)


def _money(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0)


class MonthlyReportQuerySet(EnterpriseRecordQuerySet):
    def accepted(self):
        return self.filter(status=ReportStatus.ACCEPTED)


class MonthlyReport(models.Model):
    """An enterprise's 企业月报 for one month (软统企6表 headline rows). Money in 万元, exports in 万美元, all
    cumulative from January (本年累计); 从业人员 is the month-end headcount.

    Workflow: draft → submitted → approved (region) → accepted (city); returned with a reason at either review
    step. Only accepted reports feed tiers, evaluations and targets.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="reports"
    )
    period = models.DateField("报告期", help_text="所报月份的第一天")
    employees = models.PositiveIntegerField("从业人员（人）", default=0)
    operating_revenue = _money("主营业务收入")
    software_revenue = models.DecimalField(
        "软件业务收入", max_digits=14, decimal_places=2, default=0, editable=False
    )
    software_product_revenue = _money("软件产品收入")
    basic_software_revenue = _money("其中：基础软件")
    industrial_software_revenue = _money("其中：工业软件")
    it_service_revenue = _money("信息技术服务收入")
    cloud_revenue = _money("其中：云服务")
    big_data_revenue = _money("其中：大数据")
    industrial_internet_revenue = _money("其中：工业互联网平台")
    ecommerce_platform_revenue = _money("其中：电子商务平台技术服务")
    ic_design_revenue = _money("其中：集成电路设计")
    security_revenue = _money("信息安全收入")
    ics_security_revenue = _money("其中：工控安全")
    embedded_revenue = _money("嵌入式系统软件收入")
    export_usd = models.DecimalField("软件业务出口（万美元）", max_digits=14, decimal_places=2, default=0)
    profit = _money("利润总额")
    rd_expense = _money("研发经费")
    payroll = _money("从业人员工资总额")
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    warnings = models.JSONField("预警", default=list, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = "企业月报"
        verbose_name_plural = "企业月报"
        ordering = ["-period", "enterprise__name", "pk"]
        indexes = [
            models.Index(fields=["period", "status"]),
            models.Index(fields=["status", "period"]),
            # "each enterprise's latest accepted report in a period" (enterprises.metrics, the dashboards,
            # 示范楼宇 selection): one index probe per enterprise that never touches the table. The figures
            # are key columns, not INCLUDE, so SQLite builds the same index.
            models.Index(
                fields=["enterprise", "period", "employees", "software_revenue", "operating_revenue"],
                condition=Q(status="accepted"),
                name="monthly_report_accepted_latest",
            ),
            # The dashboards' monthly trend (sums of accepted reports per month), read from the index alone.
            models.Index(
                fields=["period", "software_revenue", "employees"],
                condition=Q(status="accepted"),
                name="monthly_report_accepted_trend",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period"], name="monthly_report_one_per_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="monthly_report_period_first_day"),
            models.CheckConstraint(
                condition=Q(employees__gte=0, **{f"{name}__gte": 0 for name in CUMULATIVE_FIELDS}),
                name="monthly_report_figures_not_negative",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{child}__lte": F(parent)}), name=f"monthly_report_{child}_within_parent"
                )
                for parent, children in OF_WHICH.items()
                for child in children
            ),
            # 软件业务收入 is the sum of its four parts. Half a cent of slack, because SQLite does this
            # arithmetic in floating point (PostgreSQL's numeric is exact).
            models.CheckConstraint(
                condition=Q(software_revenue__gte=SOFTWARE_SUM - Decimal("0.005"))
                & Q(software_revenue__lte=SOFTWARE_SUM + Decimal("0.005")),
                name="monthly_report_software_revenue_is_sum",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.period:%Y-%m}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"


class ReportTransition(models.Model):
    """One step of a report's workflow: who moved it from which state to which, when, and why."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=10, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=500, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "月报流转记录"
        verbose_name_plural = "月报流转记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["report", "at"])]

    def __str__(self):
        return f"{self.report} {self.from_status}→{self.to_status}"


class StatisticsSettings(models.Model):
    """Thresholds of the monthly-statistics checks (SPEC §4 assumptions), one row, edited in the admin."""

    headcount_change_pct = models.PositiveSmallIntegerField("从业人员环比变动预警阈值（%）", default=30)
    revenue_per_head_factor = models.DecimalField(
        "人均收入偏离区域中位数的倍数", max_digits=5, decimal_places=2, default=3
    )
    revenue_per_head_min_peers = models.PositiveSmallIntegerField(
        "人均收入比较所需最少同区域企业数", default=5
    )
    january_jump_pct = models.PositiveSmallIntegerField("1月数据超上年全年预警阈值（%）", default=100)
    deadline_day = models.PositiveSmallIntegerField("报送截止日（次月几日）", default=10)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "月报校验设置"
        verbose_name_plural = "月报校验设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_day__gte=1, deadline_day__lte=28), name="deadline_day_1_28"
            ),
            models.CheckConstraint(
                condition=Q(revenue_per_head_factor__gt=1), name="revenue_per_head_factor_gt_1"
            ),
        ]

    def __str__(self):
        return "月报校验设置"

    @classmethod
    def current(cls) -> "StatisticsSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


# --- 培育库 cultivation pool (SPEC §3.2) -----------------------------------------------------------------------


class PoolMembership(models.Model):
    """An enterprise's current place in the 培育库; its decisions are kept in PoolDecision."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.PROTECT, related_name="pool")
    level = models.CharField("培育层级", max_length=10, choices=PoolLevel.choices)
    admitted_on = models.DateField("入库日期")
    reason = models.CharField("入库理由", max_length=500)

    history = HistoricalRecords()
    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "培育库企业"
        verbose_name_plural = "培育库企业"
        ordering = ["level", "enterprise__name"]

    def __str__(self):
        return f"{self.enterprise} {self.get_level_display()}"


class PoolDecision(models.Model):
    """One 培优汰劣 decision on a pooled enterprise: admit, promote, keep, downgrade or remove, with reason."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="pool_decisions")
    decision = models.CharField("决定", max_length=10, choices=PoolDecisionKind.choices)
    from_level = models.CharField("原层级", max_length=10, choices=PoolLevel.choices, blank=True)
    to_level = models.CharField("新层级", max_length=10, choices=PoolLevel.choices, blank=True)
    reason = models.CharField("理由", max_length=500)
    review_year = models.PositiveSmallIntegerField("评审年度", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("决定日期")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "培育库决定"
        verbose_name_plural = "培育库决定"
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise} {self.get_decision_display()}"
