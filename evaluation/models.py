"""District evaluation (SPEC §7): schemes, their indicators, manual scores, and runs that rank regions and
assign awards. A run keeps its inputs (a snapshot of the scheme and the manual scores) and its results; a
published run never changes."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.choices import Role
from portal.models import Region

from .choices import EvaluationPeriod, RunStatus, RunTrigger, TieRule


class SchemeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every scheme; a district officer the schemes that evaluate its region or its child
        units; enterprise users and the public none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CITY:
            return self.all()
        if user.role == Role.DISTRICT and user.region_id:
            return self.filter(Q(regions=user.region_id) | Q(regions__parent=user.region_id)).distinct()
        return self.none()


class Scheme(models.Model):
    """An evaluation scheme: one year and period, the evaluated regions, weighted indicators, the scoring
    method (value ÷ best value × weight, negative values score 0), a tie rule and the award table."""

    name = models.CharField("方案名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("评价期", max_length=2, choices=EvaluationPeriod.choices)
    regions = models.ManyToManyField(Region, verbose_name="参评区域", related_name="evaluation_schemes")
    award_table = models.JSONField("奖励表（万元，按名次）", default=list, blank=True)
    award_cap = models.DecimalField("单个区域奖励上限（万元）", max_digits=10, decimal_places=2, default=3000)
    tie_rule = models.CharField("并列规则", max_length=10, choices=TieRule.choices, default=TieRule.SHARE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[regions])
    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "评价方案"
        verbose_name_plural = "评价方案"
        ordering = ["-year", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(award_cap__gte=0, award_cap__lte=3000), name="scheme_cap_0_3000"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.period == EvaluationPeriod.H1 else date(self.year, 12, 31)


class Indicator(models.Model):
    """A weighted indicator of a scheme: computed from a metric of the domain apps, or scored by hand."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=100)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2)
    source = models.CharField("数据来源", max_length=40, help_text="指标计算函数名，或 manual（人工评分）")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique_in_scheme"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="indicator_weight_0_100"),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}）"


class ManualScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CITY:
            return self.all()
        if user.role == Role.DISTRICT and user.region_id:
            return self.filter(Q(region=user.region_id) | Q(region__parent=user.region_id))
        return self.none()


class ManualScore(models.Model):
    """A city staff's score of one region on a manual indicator (0 … weight), with its evidence."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="manual_scores")
    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField("指标代码", max_length=40)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    comment = models.CharField("评分说明", max_length=500, blank=True)
    attachment = models.FileField("证明材料", upload_to="evaluation/evidence/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("评分时间", auto_now=True)

    history = HistoricalRecords()
    objects = ManualScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "人工评分"
        verbose_name_plural = "人工评分"
        ordering = ["scheme", "indicator", "region__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "region", "indicator"], name="manual_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0), name="manual_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.region} {self.indicator} {self.score}"


class RunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every run; a district officer the published runs of its schemes (every published
        ranking, SPEC §1)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CITY:
            return self.all()
        if user.role == Role.DISTRICT:
            return self.filter(status=RunStatus.PUBLISHED, scheme__in=Scheme.objects.visible_to(user))
        return self.none()


class Run(models.Model):
    """One computation of a scheme's ranking. ``inputs`` is the snapshot it was computed from."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    trigger = models.CharField(
        "触发方式", max_length=10, choices=RunTrigger.choices, default=RunTrigger.MANUAL
    )
    inputs = models.JSONField("输入快照", default=dict)
    note = models.CharField("说明", max_length=500, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    # When a worker took the run up: a run still running past the task's time limit has lost its worker.
    started_at = models.DateTimeField("开始计算时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = "评价计算"
        verbose_name_plural = "评价计算"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scheme", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_0_100"),
            # One published run per scheme at most is not a rule: later publications supersede earlier ones.
        ]

    def __str__(self):
        return f"{self.scheme} #{self.pk}"


class RunResult(models.Model):
    """A region's place in a run: total score, rank, award, and each indicator's value and score."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("名次")
    total_score = models.DecimalField("总分", max_digits=7, decimal_places=2)
    award = models.DecimalField("奖励（万元）", max_digits=10, decimal_places=2, default=0)
    indicators = models.JSONField("指标明细", default=list)

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering = ["run", "rank", "region__sort_order"]
        constraints = [models.UniqueConstraint(fields=["run", "region"], name="run_result_once_per_region")]

    def __str__(self):
        return f"{self.run} {self.region} 第{self.rank}名"
