"""存量楼宇 (SPEC §5): the ledger of stock buildings, their occupancies, dated acquisition and renovation
changes, and the 示范楼宇 designations.

Used area and occupancy rate are never stored: they are the sum of the occupancies current on a date
(``BuildingQuerySet.with_figures``). Acquired area and renovation status are kept on the building for
reading, but only ``buildings.services`` write them, always together with a dated change record, so any
period's "area acquired" is a sum over those records (``buildings.metrics``).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.models import Region
from portal.scoping import ScopedQuerySet

from .choices import RenovationStatus, TurnkeyItem, batch_label

AREA = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


def area_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, **AREA, **kwargs)


def occupancy_rate(used: Decimal | None, letting: Decimal | None) -> Decimal | None:
    """Used ÷ letting area in percent, two places (``54.70``); None without a letting area."""
    if not letting:
        return None
    return (Decimal(used or 0) * 100 / Decimal(letting)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class OccupancyQuerySet(ScopedQuerySet):
    region_path = "building__region"
    enterprise_path = "enterprise"

    def active_on(self, on: date):
        """Occupancies running on ``on``: started on or before it and not ended before it (the end date is
        the last day occupied)."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class DesignationQuerySet(ScopedQuerySet):
    region_path = "building__region"

    def current(self):
        return self.filter(revoked_on__isnull=True)


class BuildingQuerySet(ScopedQuerySet):
    region_path = "region"
    enterprise_path = None  # enterprise users see buildings only through the public list

    def public(self):
        """Anyone may read the current 示范楼宇 (SPEC §5): designated and not revoked."""
        return self.filter(
            Exists(Designation.objects.filter(building=OuterRef("pk"), revoked_on__isnull=True))
        )

    def with_figures(self, on: date | None = None):
        """Annotate ``used_area`` and ``enterprise_count`` from the occupancies running on ``on`` (today by
        default), and ``rate_order`` (used ÷ letting) for sorting. One correlated subquery each: the count
        of queries stays fixed however many buildings there are."""
        on = on or timezone.localdate()
        running = (
            Occupancy.objects.active_on(on).filter(building=OuterRef("pk")).order_by().values("building")
        )
        used = running.annotate(total=Sum("area")).values("total")
        count = running.annotate(n=Count("enterprise", distinct=True)).values("n")
        decimal = models.DecimalField(max_digits=14, decimal_places=2)
        return self.annotate(
            used_area=Coalesce(Subquery(used, output_field=decimal), Value(ZERO), output_field=decimal),
            enterprise_count=Coalesce(Subquery(count, output_field=models.IntegerField()), Value(0)),
        ).annotate(
            rate_order=Cast("used_area", models.FloatField()) / Cast("letting_area", models.FloatField())
        )

    def with_designation(self):
        """Annotate the current designation's ``batch`` and ``designated_on`` (None when there is none)."""
        current = Designation.objects.filter(building=OuterRef("pk"), revoked_on__isnull=True)
        return self.annotate(
            batch=Subquery(current.values("batch")[:1]),
            designated_on=Subquery(current.values("designated_on")[:1]),
        )


class Building(models.Model):
    """A stock building 存量楼宇 in a region's ledger 台账 (SPEC §5; 004 tasks 3–5; 002 tasks 8–10).

    ``contact_name``, ``contact_phone`` and ``notes`` are internal: the public list never shows them.
    """

    name = models.CharField("楼宇名称", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="buildings"
    )
    park = models.ForeignKey(
        Region,
        verbose_name="所属园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_buildings",
    )
    address = models.CharField("地址", max_length=300)
    owner = models.CharField("产权单位", max_length=200)
    operator = models.CharField("运营团队", max_length=200, blank=True)
    gross_area = area_field("建筑面积（㎡）")
    acquired_area = area_field("收储面积（㎡）", help_text="由收储面积变更记录维护。")
    acquired_on = models.DateField("收储日期", help_text="当前收储面积生效的日期（最近一次收储变更）。")
    letting_area = area_field("可招商面积（㎡）")
    incubation_area = area_field("双创空间面积（㎡）", default=ZERO)
    renovation_status = models.CharField(
        "改造状态", max_length=20, choices=RenovationStatus.choices, default=RenovationStatus.NOT_STARTED
    )
    renovation_on = models.DateField("改造状态日期", null=True, blank=True)
    turnkey_checklist = models.JSONField("“拎包入住”条件", default=list, blank=True)
    turnkey_ready = models.BooleanField("具备“拎包入住”条件", default=False, editable=False)
    policy_text = models.TextField("一楼一策", blank=True)
    support_types = models.JSONField("支持政策类型", default=list, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    notes = models.TextField("内部备注", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic concurrency: every update through ``services.update_building`` adds one, and an edit made
    # from an older version is refused (the API's ETag/If-Match, the edit form's hidden field).
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    history = HistoricalRecords()
    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = "存量楼宇"
        verbose_name_plural = "存量楼宇"
        ordering = ["region__sort_order", "name", "pk"]
        indexes = [
            models.Index(fields=["region", "name"]),
            models.Index(fields=["park", "name"]),
            models.Index(fields=["region", "renovation_status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="building_name_unique_in_region",
                violation_error_message="本区域已有同名楼宇。",
            ),
            models.CheckConstraint(
                condition=Q(gross_area__gt=0),
                name="building_gross_area_positive",
                violation_error_message="建筑面积必须大于 0。",
            ),
            models.CheckConstraint(
                condition=Q(acquired_area__gt=0),
                name="building_acquired_area_positive",
                violation_error_message="收储面积必须大于 0。",
            ),
            models.CheckConstraint(
                condition=Q(letting_area__gt=0),
                name="building_letting_area_positive",
                violation_error_message="可招商面积必须大于 0。",
            ),
            models.CheckConstraint(
                condition=Q(incubation_area__gte=0),
                name="building_incubation_area_not_negative",
                violation_error_message="双创空间面积不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(acquired_area__lte=F("gross_area")),
                name="building_acquired_within_gross",
                violation_error_message="收储面积不能大于建筑面积。",
            ),
            models.CheckConstraint(
                condition=Q(letting_area__lte=F("gross_area")),
                name="building_letting_within_gross",
                violation_error_message="可招商面积不能大于建筑面积。",
            ),
            models.CheckConstraint(
                condition=Q(incubation_area__lte=F("gross_area")),
                name="building_incubation_within_gross",
                violation_error_message="双创空间面积不能大于建筑面积。",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="building_version_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def occupancy_rate(self) -> Decimal | None:
        """Needs ``with_figures()``: the used area of the annotation over the letting area, in percent."""
        return occupancy_rate(getattr(self, "used_area", None), self.letting_area)

    @property
    def batch_label(self) -> str:
        batch = getattr(self, "batch", None)
        return batch_label(batch) if batch else ""

    @property
    def turnkey_labels(self) -> list[str]:
        return [item.label for item in TurnkeyItem if item.value in (self.turnkey_checklist or [])]


class AcquisitionChange(models.Model):
    """A dated change of a building's acquired area 收储面积: the first acquisition, or a later extension
    or reduction. ``area_added`` sums to the building's acquired area; per period it is the area acquired."""

    building = models.ForeignKey(
        Building, verbose_name="楼宇", on_delete=models.CASCADE, related_name="acquisitions"
    )
    changed_on = models.DateField("变更日期")
    area_added = area_field("新增收储面积（㎡）", help_text="负数表示核减。")
    acquired_area = area_field("变更后收储面积（㎡）")
    note = models.CharField("说明", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "收储面积变更"
        verbose_name_plural = "收储面积变更"
        ordering = ["building", "changed_on", "pk"]
        indexes = [
            models.Index(fields=["changed_on", "building"]),
            models.Index(fields=["building", "changed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(area_added=0),
                name="acquisition_change_not_zero",
                violation_error_message="变更面积不能为 0。",
            ),
            models.CheckConstraint(
                condition=Q(acquired_area__gt=0),
                name="acquisition_total_positive",
                violation_error_message="收储面积必须大于 0。",
            ),
        ]

    def __str__(self):
        return f"{self.building} {self.changed_on} {self.area_added}㎡"


class RenovationChange(models.Model):
    """A dated change of a building's renovation 改造 status."""

    building = models.ForeignKey(
        Building, verbose_name="楼宇", on_delete=models.CASCADE, related_name="renovations"
    )
    changed_on = models.DateField("变更日期")
    status = models.CharField("改造状态", max_length=20, choices=RenovationStatus.choices)
    note = models.CharField("说明", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "改造状态变更"
        verbose_name_plural = "改造状态变更"
        ordering = ["building", "changed_on", "pk"]
        indexes = [
            models.Index(fields=["building", "changed_on"]),
            models.Index(fields=["changed_on", "status"]),
        ]

    def __str__(self):
        return f"{self.building} {self.changed_on} {self.get_status_display()}"


class Occupancy(models.Model):
    """Which enterprise occupies how much of a building, from when to when (``end_date`` is the last day
    occupied; empty while it runs). Their sum is the building's used area 使用面积."""

    building = models.ForeignKey(
        Building, verbose_name="楼宇", on_delete=models.CASCADE, related_name="occupancies"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="occupancies"
    )
    area = area_field("使用面积（㎡）")
    start_date = models.DateField("入驻日期")
    end_date = models.DateField(
        "迁出日期", null=True, blank=True, help_text="最后使用的一天；仍在使用则留空。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = "楼宇入驻"
        verbose_name_plural = "楼宇入驻"
        ordering = ["building", "-start_date", "pk"]
        indexes = [
            models.Index(fields=["building", "start_date", "end_date"]),
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["enterprise", "building"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__gt=0),
                name="occupancy_area_positive",
                violation_error_message="使用面积必须大于 0。",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="occupancy_ends_after_start",
                violation_error_message="迁出日期不能早于入驻日期。",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} @ {self.building}"

    def is_active_on(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Designation(models.Model):
    """A 示范楼宇 designation in a numbered batch (第一批, 第二批 …), revocable with a reason (SPEC §5).

    A building has at most one current (unrevoked) designation, and at most one per batch."""

    building = models.ForeignKey(
        Building, verbose_name="楼宇", on_delete=models.CASCADE, related_name="designations"
    )
    batch = models.PositiveSmallIntegerField("批次")
    designated_on = models.DateField("授牌日期")
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授牌人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.TextField("撤销原因", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = "示范楼宇授牌"
        verbose_name_plural = "示范楼宇授牌"
        ordering = ["batch", "designated_on", "pk"]
        indexes = [
            models.Index(fields=["building", "revoked_on"]),
            models.Index(fields=["batch", "revoked_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "batch"],
                name="designation_once_per_batch",
                violation_error_message="该楼宇已在本批次中授牌。",
            ),
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(revoked_on__isnull=True),
                name="designation_one_current",
                violation_error_message="该楼宇已是示范楼宇。",
            ),
            models.CheckConstraint(
                condition=Q(batch__gte=1),
                name="designation_batch_positive",
                violation_error_message="批次从 1 开始。",
            ),
            models.CheckConstraint(
                condition=(Q(revoked_on__isnull=True) & Q(revoke_reason=""))
                | (
                    Q(revoked_on__isnull=False) & ~Q(revoke_reason="") & Q(revoked_on__gte=F("designated_on"))
                ),
                name="designation_revoked_with_reason",
                violation_error_message="撤销须注明原因，且撤销日期不早于授牌日期。",
            ),
        ]

    def __str__(self):
        return f"{self.building} {batch_label(self.batch)}"

    @property
    def batch_label(self) -> str:
        return batch_label(self.batch)

    @property
    def is_current(self) -> bool:
        return self.revoked_on is None
