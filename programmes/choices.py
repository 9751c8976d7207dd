from decimal import Decimal

from django.db import models


class Comparison(models.TextChoices):
    """How an actual value meets a target: "达到/以上/不低于" include the number (≥), "超" excludes it (>)."""

    GTE = "gte", "≥"
    GT = "gt", ">"


class Unit(models.TextChoices):
    """Display units of targets. Metrics answer in a base unit (万元, ㎡, 人, count); ``UNIT_FACTOR`` converts."""

    YI_YUAN = "亿元", "亿元"
    WAN_YUAN = "万元", "万元"
    WAN_SQM = "万㎡", "万㎡"
    SQM = "㎡", "㎡"
    WAN_PEOPLE = "万人", "万人"
    PEOPLE = "人", "人"
    ENTERPRISES = "家", "家"
    ITEMS = "个", "个"
    SESSIONS = "场", "场"
    PEOPLE_COUNT = "名", "名"
    PERCENT = "%", "%"


# One display unit = this many base units of its metric (亿元 = 10000 万元, 万㎡ = 10000 ㎡ …).
UNIT_FACTOR = {
    Unit.YI_YUAN: Decimal(10000),
    Unit.WAN_SQM: Decimal(10000),
    Unit.WAN_PEOPLE: Decimal(10000),
}


class TargetStatus(models.TextChoices):
    MET = "met", "已完成"
    ON_TRACK = "on_track", "进度正常"
    BEHIND = "behind", "进度滞后"


class WorkItemKind(models.TextChoices):
    """001 §4.1: "月度、年度工作事项清单"."""

    TASK = "task", "重点任务"
    ANNUAL = "annual", "年度事项"
    MONTHLY = "monthly", "月度事项"


class WorkItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class ProjectStage(models.TextChoices):
    """重点招商项目库: a project is signed (签约) and later lands (落地: registered and operating)."""

    SIGNED = "signed", "已签约"
    LANDED = "landed", "已落地"


class EventKind(models.TextChoices):
    """活动 (004 task 14 "月月有活动"; 001 §3.6 and §3.5 "双选")."""

    FORUM = "forum", "论坛峰会"
    EXPO = "expo", "展会"
    CONTEST = "contest", "大赛"
    SIGNING = "signing", "招商签约"
    JOB_FAIR = "job_fair", "校企“双选”"
    TRAINING = "training", "培训宣讲"
    OTHER = "other", "其他"
