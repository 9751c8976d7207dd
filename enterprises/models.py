from django.db import models
from simple_history.models import HistoricalRecords

from portal.models import Region
from portal.scoping import ScopedQuerySet

from .validators import validate_uscc


class EnterpriseQuerySet(ScopedQuerySet):
    region_path = "region"
    enterprise_path = "pk"


class Enterprise(models.Model):
    """A software or information-service enterprise (SPEC §3). Its registry fields grow with issue 3."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField("企业名称", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="enterprises"
    )

    history = HistoricalRecords()
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self):
        return self.name
