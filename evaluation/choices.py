from django.db import models


class EvaluationPeriod(models.TextChoices):
    """半年评估、全年考核 (004 §3.2.1)."""

    H1 = "H1", "上半年（1—6月）"
    YEAR = "Y", "全年（1—12月）"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "计算中"
    DONE = "done", "已完成（草稿）"
    FAILED = "failed", "失败"
    PUBLISHED = "published", "已发布"


class RunTrigger(models.TextChoices):
    MANUAL = "manual", "手动"
    DATA = "data", "数据变化"
    SCHEDULE = "schedule", "期末定时"


class TieRule(models.TextChoices):
    SHARE = "share", "并列者平分所占名次的奖励"
