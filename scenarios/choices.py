from django.db import models


class Level(models.TextChoices):
    """Who publishes a scenario: the city or a district (004 task 6: "市、区两级联动常态化发布")."""

    CITY = "city", "市级"
    DISTRICT = "district", "区县级"


class OwnerType(models.TextChoices):
    """Who opens a scenario (004 task 6; 002 task 15)."""

    GOVERNMENT = "government", "政府部门"
    STATE_OWNED = "state_owned", "国有企事业单位"
    KEY_INDUSTRY = "key_industry", "重点行业"


class Domain(models.TextChoices):
    """Scenario domains (002 task 15, plus 智能制造 from 004's "智造重镇")."""

    FINANCE = "finance", "智慧金融"
    GOVERNMENT = "government", "智慧政务"
    TRANSPORT = "transport", "智慧交通"
    HEALTH = "health", "智慧医疗"
    EDUCATION = "education", "智慧教育"
    ENERGY = "energy", "智慧能源"
    VENUE = "venue", "智慧场馆"
    CULTURE = "culture", "数字文创"
    MANUFACTURING = "manufacturing", "智能制造"
    OTHER = "other", "其他"


class ScenarioStatus(models.TextChoices):
    """征集 → 发布 → (揭榜) → 定榜 → 实施 → 落地, or 终止 (SPEC §6)."""

    COLLECTED = "collected", "征集中"
    PUBLISHED = "published", "已发布"
    AWARDED = "awarded", "已定榜"
    IN_PROGRESS = "in_progress", "实施中"
    DELIVERED = "delivered", "已落地"
    WITHDRAWN = "withdrawn", "已终止"


# The states of a scenario that has been published (in a 清单), withdrawn ones aside.
PUBLISHED_STATES = (
    ScenarioStatus.PUBLISHED,
    ScenarioStatus.AWARDED,
    ScenarioStatus.IN_PROGRESS,
    ScenarioStatus.DELIVERED,
)


class ApplicationStatus(models.TextChoices):
    """A 揭榜 application: waiting for 定榜, then chosen (中榜) or not."""

    APPLIED = "applied", "已揭榜"
    WON = "won", "中榜"
    LOST = "lost", "未中榜"
