from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.db.models import Q
from simple_history import register
from simple_history.models import HistoricalRecords

from .choices import RegionKind, Role
from .scoping import ScopedQuerySet


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Regions are public reference data (SPEC §2): everyone sees all of them."""
        return self.all()

    def top_level(self):
        return self.filter(parent__isnull=True)

    def central_urban(self):
        return self.filter(central_urban=True)


class Region(models.Model):
    """A 区县 or development zone of Chongqing, or a child unit of one (北碚区's 园城).

    Codes are GB/T 2260 division codes for 区县, short letters for development zones, and the parent's
    code with a ``-NN`` suffix for child units (SPEC §2).
    """

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    kind = models.CharField("类型", max_length=10, choices=RegionKind.choices)
    central_urban = models.BooleanField("中心城区", default=False)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()
    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=RegionKind.PARK, parent__isnull=False)
                | (~Q(kind=RegionKind.PARK) & Q(parent__isnull=True)),
                name="region_park_has_parent_others_not",
                violation_error_message="园区必须有上级区域，区县和开发区不能有上级区域。",
            ),
        ]

    def __str__(self):
        return self.name


class UserQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """City staff see every account; a district officer the accounts of its region (its fellow
        officers and its enterprises' users); anyone else only their own account."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CITY:
            return self.all()
        if user.role == Role.DISTRICT and user.region_id:
            return self.filter(Q(region_id=user.region_id) | Q(enterprise__region_id=user.region_id))
        return self.filter(pk=user.pk)


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.CITY)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal account with exactly one role (SPEC §1).

    A district officer is bound to one region, an enterprise user to one enterprise; city staff to
    neither. The database refuses any other combination.
    """

    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="所属区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    # Role, region, enterprise, is_active/is_staff/is_superuser and the groups and permissions (which open
    # the admin) are recorded with who changed them; the password hash and login times are not.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"]
    )
    objects = PortalUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.CITY, region__isnull=True, enterprise__isnull=True)
                | Q(role=Role.DISTRICT, region__isnull=False, enterprise__isnull=True)
                | Q(role=Role.ENTERPRISE, region__isnull=True, enterprise__isnull=False),
                name="user_role_binding",
                violation_error_message="市级用户不绑定区域和企业；区县用户必须绑定区域；企业用户必须绑定企业。",
            ),
        ]

    @classmethod
    def enterprise_model(cls):
        """The enterprise model accounts bind to, without portal importing a domain app."""
        return cls._meta.get_field("enterprise").related_model

    @property
    def scope_region(self):
        """The region whose records this account works on: its own, or its enterprise's."""
        if self.role == Role.ENTERPRISE and self.enterprise_id:
            return self.enterprise.region
        return self.region

    @property
    def is_city(self):
        return self.role == Role.CITY

    @property
    def is_district(self):
        return self.role == Role.DISTRICT

    @property
    def is_enterprise(self):
        return self.role == Role.ENTERPRISE


# A group's permissions open the admin to its members: their changes are recorded like a user's.
register(Group, app="portal", m2m_fields=["permissions"])


class ImportJobQuerySet(ScopedQuerySet):
    """An import is its actor's region's business: city staff see every job, a district officer its
    region's officers' jobs, enterprise users none (they do not import)."""

    region_path = "actor__region"
    enterprise_path = None


class ImportJob(models.Model):
    """One Excel import run (a dry run or the real one), with its file, progress and per-row report.

    Large files run in Celery; the page polls the job. The real run's result is written in the same
    transaction as its data, so a job marked done with ``committed`` is exactly one whose rows were written."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("导入类型", max_length=30)
    actor = models.ForeignKey(
        "portal.User", verbose_name="导入人", on_delete=models.PROTECT, related_name="import_jobs"
    )
    dry_run = models.BooleanField("试导入", default=True)
    source = models.ForeignKey(
        "self",
        verbose_name="所确认的试导入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmations",
    )
    filename = models.CharField("文件名", max_length=200, blank=True)
    content = models.BinaryField("文件内容")
    row_count = models.PositiveIntegerField("数据行数", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    summary = models.JSONField("汇总", default=dict, blank=True)
    rows = models.JSONField("逐行结果", default=list, blank=True)
    committed = models.BooleanField("已写入", default=False)
    error = models.CharField("失败原因", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "Excel 导入任务"
        verbose_name_plural = "Excel 导入任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
