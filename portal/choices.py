from django.db import models


class Role(models.TextChoices):
    CITY = "city", "市经济信息委"
    DISTRICT = "district", "区县经信部门"
    ENTERPRISE = "enterprise", "企业填报员"


class RegionKind(models.TextChoices):
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    ZONE = "zone", "开发区"
    PARK = "park", "园区"
