from django.db import models


class RenovationStatus(models.TextChoices):
    """收储改造 status of a building; every change is a dated ``RenovationChange``."""

    NOT_STARTED = "not_started", "未改造"
    IN_PROGRESS = "in_progress", "改造中"
    DONE = "done", "已完成改造"


class TurnkeyItem(models.TextChoices):
    """The “拎包入住” readiness checklist (004 task 3; 002 task 8): a building is ready when every item is met."""

    DECORATED = "decorated", "公共区域和办公空间装修完成"
    FURNISHED = "furnished", "办公家具配置到位"
    NETWORK = "network", "网络通讯接入"
    UTILITIES = "utilities", "水电、空调等设施就绪"
    PROPERTY_SERVICE = "property_service", "物业服务到位"
    AMENITIES = "amenities", "餐饮、停车等生活配套"
    SIMPLE_ENTRY = "simple_entry", "入驻手续简化（一站式办理）"


CHINESE_NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (batches stay well below a hundred)."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    if n >= 100:
        return str(n)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return f"{head}十{CHINESE_NUMERALS[ones] if ones else ''}"


def batch_label(batch: int) -> str:
    """第一批, 第二批 … the way the commission numbers its 示范楼宇 batches."""
    return f"第{chinese_number(batch)}批"
