from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from portal.models import Region
from portal.scoping import ScopedQuerySet

from .choices import ArrivalOrigin, FocusTag, HonourKind, Industry, SupportKind, TierLevel
from .validators import validate_uscc


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


class EnterpriseTag(models.Model):
    """One of 000's focus tags on an enterprise (工业软件, 汽车软件 …)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField("重点领域", max_length=30, choices=FocusTag.choices)

    class Meta:
        verbose_name = "重点领域标签"
        verbose_name_plural = "重点领域标签"
        constraints = [models.UniqueConstraint(fields=["enterprise", "tag"], name="enterprise_tag_unique")]
        indexes = [models.Index(fields=["tag", "enterprise"])]

    def __str__(self):
        return self.get_tag_display()


class HonourQuerySet(ScopedQuerySet):
    region_path = "enterprise__region"
    enterprise_path = "enterprise"


class Honour(models.Model):
    """An honour, list or certification of an enterprise, with its year and evidence."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField("荣誉类型", max_length=30, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    evidence = models.CharField("证明材料", max_length=300, blank=True, help_text="文件名、文号或链接")

    history = HistoricalRecords()
    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = "企业荣誉"
        verbose_name_plural = "企业荣誉"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "year"], name="honour_unique_per_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"


class SupportGrantQuerySet(ScopedQuerySet):
    region_path = "enterprise__region"
    enterprise_path = "enterprise"


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
    objects = SupportGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "新入驻企业支持"
        verbose_name_plural = "新入驻企业支持"
        ordering = ["-granted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="support_grant_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} 万元"
