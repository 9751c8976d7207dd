"""政策与目标 (SPEC §8): the policy documents (programmes), their targets with live or manual progress, the
numbered tasks as a work-item ledger (001 §4.1 "月度、年度工作事项清单"), and two light ledgers that feed
targets directly: 重点招商项目库 (investment projects) and 活动 (events).

Programmes and targets are reference data: every signed-in role reads them; the public reads the published
programmes (``public()``). Work items, projects and events belong to a region (or to the city, ``region`` empty
for work items and events) and follow the house scope: a district officer works on its own region's.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from portal.choices import Role
from portal.models import Region
from portal.scoping import ScopedQuerySet

from .choices import Comparison, EventKind, ProjectStage, Unit, WorkItemKind, WorkItemStatus

MANUAL = "manual"
MONEY = {"max_digits": 14, "decimal_places": 2}


class ReferenceQuerySet(models.QuerySet):
    """Reference data: every active signed-in user reads all of it; the public the published part."""

    published_path = "published"

    def public(self):
        return self.filter(**{self.published_path: True})

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.public()
        return self.all()


class Programme(models.Model):
    """A policy document 政策文件 with its 文号, issuer, dates and the period its targets run over."""

    code = models.SlugField("编号", max_length=20, unique=True, help_text="门户内的简短编号，例如 004")
    doc_number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    short_name = models.CharField("简称", max_length=60)
    issuer = models.CharField("发文机关", max_length=100)
    issued_on = models.DateField("发文日期")
    period_start = models.DateField("实施期起")
    period_end = models.DateField("实施期止")
    region = models.ForeignKey(
        Region,
        verbose_name="适用区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text="区县自己的方案填写该区县；全市性的文件留空。",
    )
    text_file = models.CharField(
        "原文文件", max_length=100, blank=True, help_text="programmes/texts/ 下的文件名"
    )
    source_url = models.URLField("原文链接", blank=True)
    summary = models.TextField("内容摘要", blank=True)
    published = models.BooleanField(
        "公开进展", default=True, help_text="公开的文件在公众进展页显示目标进展。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-period_end", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="programme_period_ordered",
                violation_error_message="实施期止不能早于实施期起。",
            ),
        ]

    def __str__(self):
        return self.short_name


class TargetQuerySet(ReferenceQuerySet):
    published_path = "programme__published"


class Target(models.Model):
    """A target 目标 of a programme: a metric (computed live from accepted data) or manual progress, a year,
    a scope (the city, or one region), a comparison and a value in its display unit.

    Its period runs from its programme's start to the end of its year."""

    programme = models.ForeignKey(
        Programme, verbose_name="政策文件", on_delete=models.CASCADE, related_name="targets"
    )
    name = models.CharField("目标名称", max_length=100)
    metric = models.CharField(
        "进度来源", max_length=40, help_text="实时计算的指标，或 manual（人工填报进度）"
    )
    unit = models.CharField("单位", max_length=10, choices=Unit.choices)
    year = models.PositiveSmallIntegerField("目标年度")
    region = models.ForeignKey(
        Region,
        verbose_name="范围",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空为全市目标。",
    )
    comparison = models.CharField("比较", max_length=3, choices=Comparison.choices, default=Comparison.GTE)
    target_value = models.DecimalField("目标值", **MONEY)
    note = models.CharField("说明", max_length=300, blank=True, help_text="原文表述或口径说明")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["-year", "programme__code", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__gte=0),
                name="target_value_not_negative",
                violation_error_message="目标值不能为负数。",
            ),
            models.CheckConstraint(
                condition=~Q(metric=""),
                name="target_has_metric_or_manual",
                violation_error_message="目标必须有实时计算的指标，或设为人工填报进度。",
            ),
            models.UniqueConstraint(
                fields=["programme", "name", "year", "region"], name="target_unique_in_programme"
            ),
        ]

    def __str__(self):
        return f"{self.programme.short_name} {self.year} {self.name}"

    @property
    def is_manual(self) -> bool:
        return self.metric == MANUAL

    @property
    def period_start(self) -> date:
        return self.programme.period_start

    @property
    def period_end(self) -> date:
        return date(self.year, 12, 31)


class ProgressEntryQuerySet(ReferenceQuerySet):
    published_path = "target__programme__published"


class ProgressEntry(models.Model):
    """A dated manual progress figure of a target (the cumulative value reached on that day), with evidence.
    Dated within the programme's period; entered by city staff."""

    target = models.ForeignKey(Target, verbose_name="目标", on_delete=models.CASCADE, related_name="entries")
    reported_on = models.DateField("进展日期")
    value = models.DecimalField("完成值", **MONEY)
    evidence = models.CharField("证明材料", max_length=300, help_text="文件名、文号或链接")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "目标进展"
        verbose_name_plural = "目标进展"
        ordering = ["target", "-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="progress_value_not_negative",
                violation_error_message="完成值不能为负数。",
            ),
            models.CheckConstraint(
                condition=~Q(evidence=""),
                name="progress_has_evidence",
                violation_error_message="请填写证明材料。",
            ),
        ]

    def __str__(self):
        return f"{self.target} {self.reported_on} {self.value}"


class CityOrRegionQuerySet(ScopedQuerySet):
    """Records of a region, or of the city (``region`` empty). District officers see their region's and the
    city's; they change only their region's (the services check it)."""

    region_path = "region"

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.is_active and user.role == Role.DISTRICT:
            return self.filter(Q(region=user.region_id) | Q(region__isnull=True))
        return super().visible_to(user)


class WorkItemQuerySet(CityOrRegionQuerySet):
    def overdue(self, on: date):
        return self.filter(due_date__lt=on).exclude(status=WorkItemStatus.DONE)


class WorkItem(models.Model):
    """A numbered task 重点任务 of a programme, or an annual/monthly work item, with its 责任单位, due date,
    status and dated progress notes. Owned by the city (``region`` empty) or by one region."""

    programme = models.ForeignKey(
        Programme, verbose_name="政策文件", on_delete=models.CASCADE, related_name="work_items"
    )
    number = models.CharField("序号", max_length=20)
    title = models.CharField("事项", max_length=200)
    description = models.TextField("内容", blank=True)
    kind = models.CharField("类型", max_length=10, choices=WorkItemKind.choices, default=WorkItemKind.TASK)
    responsible_units = models.CharField("责任单位", max_length=300)
    region = models.ForeignKey(
        Region,
        verbose_name="牵头区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
        help_text="由区县负责更新的事项填写该区县；市级事项留空。",
    )
    due_date = models.DateField("完成时限")
    status = models.CharField(
        "状态", max_length=12, choices=WorkItemStatus.choices, default=WorkItemStatus.NOT_STARTED
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = "工作事项"
        verbose_name_plural = "工作事项"
        ordering = ["programme__code", "kind", "due_date", "pk"]
        indexes = [models.Index(fields=["region", "status", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="work_item_number_unique"),
            models.CheckConstraint(
                condition=Q(status=WorkItemStatus.DONE, completed_on__isnull=False)
                | (~Q(status=WorkItemStatus.DONE) & Q(completed_on__isnull=True)),
                name="work_item_completed_on_iff_done",
                violation_error_message="已完成的事项必须有完成日期，未完成的不能有。",
            ),
        ]

    def __str__(self):
        return f"{self.programme.short_name} {self.number}．{self.title}"

    def is_overdue(self, on: date) -> bool:
        return self.status != WorkItemStatus.DONE and self.due_date < on


class WorkItemNoteQuerySet(CityOrRegionQuerySet):
    region_path = "work_item__region"

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.is_active and user.role == Role.DISTRICT:
            return self.filter(Q(work_item__region=user.region_id) | Q(work_item__region__isnull=True))
        return ScopedQuerySet.visible_to(self, user)


class WorkItemNote(models.Model):
    """A dated progress note on a work item, with the status it left the item in."""

    work_item = models.ForeignKey(
        WorkItem, verbose_name="工作事项", on_delete=models.CASCADE, related_name="notes"
    )
    noted_on = models.DateField("进展日期")
    note = models.TextField("进展情况")
    status = models.CharField("更新后状态", max_length=12, choices=WorkItemStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = WorkItemNoteQuerySet.as_manager()

    class Meta:
        verbose_name = "事项进展"
        verbose_name_plural = "事项进展"
        ordering = ["work_item", "-noted_on", "-pk"]

    def __str__(self):
        return f"{self.work_item} {self.noted_on}"


class InvestmentProjectQuerySet(ScopedQuerySet):
    region_path = "region"


class InvestmentProject(models.Model):
    """重点招商项目库: a project signed in a region, landed later. Feeds "重大项目 ≥100" (major projects signed)
    and the evaluation indicator 招商项目落地 (projects landed)."""

    name = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资方", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey(
        Region, verbose_name="所属园区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField("投资额（万元）", **MONEY)
    major = models.BooleanField("重大项目", default=False)
    stage = models.CharField("阶段", max_length=10, choices=ProjectStage.choices, default=ProjectStage.SIGNED)
    signed_on = models.DateField("签约日期")
    landed_on = models.DateField("落地日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = InvestmentProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "重点招商项目库"
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["signed_on"]), models.Index(fields=["landed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="project_amount_not_negative",
                violation_error_message="投资额不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(stage=ProjectStage.LANDED, landed_on__isnull=False)
                | (~Q(stage=ProjectStage.LANDED) & Q(landed_on__isnull=True)),
                name="project_landed_on_iff_landed",
                violation_error_message="已落地的项目必须有落地日期，未落地的不能有。",
            ),
            models.CheckConstraint(
                condition=Q(landed_on__isnull=True) | Q(landed_on__gte=F("signed_on")),
                name="project_lands_after_signing",
                violation_error_message="落地日期不能早于签约日期。",
            ),
        ]

    def __str__(self):
        return self.name


class Event(models.Model):
    """活动: a dated event of a region, or of the city (``region`` empty). ``major`` marks a 重大活动."""

    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("类型", max_length=12, choices=EventKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="举办区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="市级活动留空。",
    )
    held_on = models.DateField("举办日期")
    organiser = models.CharField("主办单位", max_length=200, blank=True)
    major = models.BooleanField("重大活动", default=False)
    participants = models.PositiveIntegerField("参加人数", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = CityOrRegionQuerySet.as_manager()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self):
        return self.name
