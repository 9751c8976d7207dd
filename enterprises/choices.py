from django.db import models


class Industry(models.TextChoices):
    """Industry directions (004 task 2; 000)."""

    SOFTWARE = "software", "软件开发"
    IC_DESIGN = "ic_design", "集成电路设计"
    INDUSTRIAL_DESIGN = "industrial_design", "工业设计"
    SECURITY = "security", "信息安全"
    AI = "ai", "人工智能"
    INDUSTRIAL_INTERNET = "industrial_internet", "工业互联网"
    IOT_EMBEDDED = "iot_embedded", "物联网和嵌入式软件"
    IT_SERVICE = "it_service", "信息技术服务"
    DIGITAL_CONTENT = "digital_content", "数字内容服务"
    DATA = "data", "数据服务"
    PLATFORM = "platform", "互联网平台服务"
    EMERGING = "emerging", "新兴技术服务"


class FocusTag(models.TextChoices):
    """000's focus tags, on top of the industry direction."""

    INDUSTRIAL_SOFTWARE = "industrial_software", "工业软件"
    AUTOMOTIVE_SOFTWARE = "automotive_software", "汽车软件"
    SATELLITE_INTERNET = "satellite_internet", "卫星互联网"
    BASIC_SOFTWARE = "basic_software", "基础软件"
    OPEN_SOURCE = "open_source", "开源"


class ArrivalOrigin(models.TextChoices):
    NEW = "new", "新设立"
    EXTERNAL = "external", "市外迁入"
    RELOCATED = "relocated", "市内迁移"


class HonourKind(models.TextChoices):
    NATIONAL_KEY_SOFTWARE = "national_key_software", "国家鼓励的重点软件企业"
    LITTLE_GIANT = "little_giant", "国家级专精特新“小巨人”"
    CITY_KEY_SOFTWARE = "city_key_software", "市级重点软件和信息服务企业"
    CITY_SPECIALISED = "city_specialised", "市级专精特新企业"
    LISTED = "listed", "上市企业"
    ITSS = "itss", "ITSS 认证"
    DCMM = "dcmm", "DCMM 贯标"
    CMMI = "cmmi", "CMMI 认证"


class SupportKind(models.TextChoices):
    """New-entrant support (004 task 4; 002 adds 云空间使用)."""

    RENT = "rent", "租金减免"
    RENOVATION = "renovation", "购房装修"
    NETWORK = "network", "网络通讯"
    ADAPTATION = "adaptation", "适配评测"
    CLOUD = "cloud", "云空间使用"


class TierLevel(models.TextChoices):
    """Computed tiers (000 §2), highest first."""

    SUPER = "super", "超大型"
    BEIDOU = "beidou", "北斗星"
    QIMING = "qiming", "启明星"


class PoolLevel(models.TextChoices):
    """培育库 levels (000 §3.1), highest first."""

    SUPER = "super", "超大型培育"
    BEIDOU = "beidou", "北斗星培育"
    QIMING = "qiming", "启明星培育"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    APPROVED = "approved", "区县已审核"
    ACCEPTED = "accepted", "市级已验收"
    RETURNED = "returned", "已退回"


class PoolDecisionKind(models.TextChoices):
    ADMIT = "admit", "入库"
    PROMOTE = "promote", "升级"
    KEEP = "keep", "保留"
    DOWNGRADE = "downgrade", "降级"
    REMOVE = "remove", "出库"
