from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers import RegionCodeField
from portal.choices import RegionKind
from portal.models import Region

from ..choices import Comparison, EventKind, ProjectStage, TargetStatus, Unit, WorkItemKind, WorkItemStatus
from ..models import Event, InvestmentProject, Programme, ProgressEntry, Target, WorkItem, WorkItemNote
from ..services import EVENT_FIELDS, PROJECT_FIELDS

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 9, "decimal_places": 2}


class ProgrammeSerializer(serializers.ModelSerializer):
    region = RegionCodeField(
        queryset=Region.objects.top_level(), required=False, allow_null=True, label="适用区域"
    )
    text_url = serializers.SerializerMethodField()
    target_count = serializers.IntegerField(read_only=True, label="目标数")

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "doc_number",
            "title",
            "short_name",
            "issuer",
            "issued_on",
            "period_start",
            "period_end",
            "region",
            "text_file",
            "text_url",
            "source_url",
            "summary",
            "published",
            "target_count",
        ]
        validators = []
        extra_kwargs = {"code": {"validators": []}}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_text_url(self, programme):
        if not programme.text_file:
            return None
        request = self.context.get("request")
        path = f"/programmes/{programme.pk}/text/"
        return request.build_absolute_uri(path) if request else path


class TargetSerializer(serializers.ModelSerializer):
    """A target with its live progress (read-only): ``actual_value`` in the target's unit (null for a
    manual target without an entry), ``share_reached`` and ``share_elapsed`` in percent, ``status``."""

    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), label="政策文件（编号）"
    )
    region = RegionCodeField(
        queryset=Region.objects.exclude(kind=RegionKind.PARK), required=False, allow_null=True, label="范围"
    )
    metric = serializers.CharField(
        allow_blank=True, required=False, label="进度来源", help_text="programmes.metrics 的指标名，或 manual"
    )
    unit = serializers.ChoiceField(choices=Unit.choices, label="单位")
    comparison = serializers.ChoiceField(choices=Comparison.choices, required=False, label="比较")
    target_value = serializers.DecimalField(**MONEY, label="目标值")
    actual_value = serializers.SerializerMethodField()
    share_reached = serializers.SerializerMethodField()
    share_elapsed = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    as_of = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id",
            "programme",
            "name",
            "metric",
            "unit",
            "year",
            "region",
            "comparison",
            "target_value",
            "actual_value",
            "share_reached",
            "share_elapsed",
            "status",
            "as_of",
            "note",
            "order",
        ]
        validators = []

    def _progress(self, target):
        return self.context["progress"][target.pk]

    @extend_schema_field(serializers.DecimalField(**MONEY, allow_null=True))
    def get_actual_value(self, target):
        actual = self._progress(target).actual
        return None if actual is None else f"{actual:.2f}"

    @extend_schema_field(serializers.DecimalField(**PERCENT))
    def get_share_reached(self, target):
        return f"{self._progress(target).share_reached:.2f}"

    @extend_schema_field(serializers.DecimalField(**PERCENT))
    def get_share_elapsed(self, target):
        return f"{self._progress(target).share_elapsed:.2f}"

    @extend_schema_field(serializers.ChoiceField(choices=TargetStatus.choices))
    def get_status(self, target):
        return self._progress(target).status

    @extend_schema_field(serializers.DateField())
    def get_as_of(self, target):
        return self._progress(target).as_of.isoformat()


class ProgressEntrySerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(**MONEY, label="完成值")
    evidence = serializers.CharField(allow_blank=True, label="证明材料")
    entered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ProgressEntry
        fields = ["id", "target", "reported_on", "value", "evidence", "entered_by", "created_at"]
        read_only_fields = ["target", "entered_by", "created_at"]


class WorkItemSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), label="政策文件（编号）"
    )
    region = RegionCodeField(
        queryset=Region.objects.top_level(), required=False, allow_null=True, label="牵头区域"
    )
    kind = serializers.ChoiceField(choices=WorkItemKind.choices, required=False, label="类型")
    status = serializers.ChoiceField(choices=WorkItemStatus.choices, required=False, label="状态")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "programme",
            "number",
            "title",
            "description",
            "kind",
            "responsible_units",
            "region",
            "due_date",
            "status",
            "completed_on",
            "overdue",
            "updated_at",
        ]
        read_only_fields = ["completed_on", "updated_at"]
        validators = []

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, item):
        return item.is_overdue(self.context["today"])


class WorkItemNoteSerializer(serializers.ModelSerializer):
    # A plain string here (the service checks it): the same choice set in a second component would collide
    # with WorkItem.status in the schema's enum naming.
    status = serializers.CharField(
        required=False,
        label="更新后状态",
        help_text="not_started（未启动）、in_progress（推进中）或 done（已完成）",
    )
    noted_on = serializers.DateField(required=False, label="进展日期")
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = WorkItemNote
        fields = ["id", "work_item", "noted_on", "note", "status", "author", "created_at"]
        read_only_fields = ["work_item", "author", "created_at"]


class InvestmentProjectSerializer(serializers.ModelSerializer):
    region = RegionCodeField(queryset=Region.objects.top_level(), label="所属区域")
    park = RegionCodeField(
        queryset=Region.objects.filter(kind=RegionKind.PARK),
        required=False,
        allow_null=True,
        label="所属园区",
    )
    amount = serializers.DecimalField(**MONEY, label="投资额（万元）")
    stage = serializers.ChoiceField(choices=ProjectStage.choices, required=False, label="阶段")

    class Meta:
        model = InvestmentProject
        fields = ["id", *PROJECT_FIELDS]


class EventSerializer(serializers.ModelSerializer):
    region = RegionCodeField(
        queryset=Region.objects.top_level(), required=False, allow_null=True, label="举办区域"
    )
    kind = serializers.ChoiceField(choices=EventKind.choices, label="类型")

    class Meta:
        model = Event
        fields = ["id", *EVENT_FIELDS]
