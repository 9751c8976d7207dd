from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enterprises.choices import SupportKind
from enterprises.models import Enterprise
from portal.api.serializers import RegionCodeField, ScopedPrimaryKeyRelatedField
from portal.choices import RegionKind
from portal.models import Region

from ..choices import RenovationStatus, TurnkeyItem
from ..models import Building, Designation, Occupancy

AREA = {"max_digits": 12, "decimal_places": 2}


class PoliciesSerializer(serializers.Serializer):
    """一楼一策: the building's support-policy text and the support types it offers."""

    text = serializers.CharField(source="policy_text", allow_blank=True, required=False, label="一楼一策")
    support_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportKind.choices), required=False, label="支持政策类型"
    )


class MainIndustrySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    enterprises = serializers.IntegerField()


class BuildingFiguresMixin(serializers.Serializer):
    """Read-only figures derived from occupancies (``Building.objects.with_figures()``)."""

    used_area = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, label="使用面积（㎡）"
    )
    occupancy_rate = serializers.DecimalField(
        max_digits=7, decimal_places=2, read_only=True, allow_null=True, label="入驻率（%）"
    )
    enterprise_count = serializers.IntegerField(read_only=True, label="在驻企业数")
    turnkey_ready = serializers.BooleanField(read_only=True, label="具备“拎包入住”条件")


class BuildingSerializer(BuildingFiguresMixin, serializers.ModelSerializer):
    """The ledger (API.md ``buildings/``). ``used_area``, ``occupancy_rate`` and ``turnkey_ready`` are
    derived; a change of ``acquired_area`` is recorded as a dated change on ``acquired_on`` (today when
    absent), a change of ``renovation_status`` on ``renovation_on``."""

    region = RegionCodeField(queryset=Region.objects.top_level(), label="所属区域")
    park = RegionCodeField(
        queryset=Region.objects.filter(kind=RegionKind.PARK),
        required=False,
        allow_null=True,
        label="所属园区",
    )
    gross_area = serializers.DecimalField(**AREA, label="建筑面积（㎡）")
    acquired_area = serializers.DecimalField(**AREA, label="收储面积（㎡）")
    letting_area = serializers.DecimalField(**AREA, label="可招商面积（㎡）")
    incubation_area = serializers.DecimalField(**AREA, required=False, label="双创空间面积（㎡）")
    renovation_status = serializers.ChoiceField(
        choices=RenovationStatus.choices, required=False, label="改造状态"
    )
    turnkey_checklist = serializers.ListField(
        child=serializers.ChoiceField(choices=TurnkeyItem.choices), required=False, label="“拎包入住”条件"
    )
    policies = PoliciesSerializer(source="*", required=False)
    batch = serializers.IntegerField(read_only=True, allow_null=True, label="示范楼宇批次")
    designated_on = serializers.DateField(read_only=True, allow_null=True, label="授牌日期")
    version = serializers.IntegerField(
        read_only=True, label="版本", help_text="每次修改加一；与 ETag 响应头相同，修改时放在 If-Match 中。"
    )

    class Meta:
        model = Building
        fields = [
            "id",
            "name",
            "region",
            "park",
            "address",
            "owner",
            "operator",
            "gross_area",
            "acquired_area",
            "acquired_on",
            "letting_area",
            "used_area",
            "occupancy_rate",
            "enterprise_count",
            "turnkey_ready",
            "turnkey_checklist",
            "incubation_area",
            "renovation_status",
            "renovation_on",
            "policies",
            "contact_name",
            "contact_phone",
            "notes",
            "batch",
            "designated_on",
            "version",
        ]
        # Uniqueness is the service's to check, with its Chinese message.
        validators = []


class StaleSerializer(serializers.Serializer):
    """412: the building changed since the version named in If-Match."""

    detail = serializers.CharField()


class OccupancySerializer(serializers.ModelSerializer):
    building = ScopedPrimaryKeyRelatedField(queryset=Building.objects.all(), label="楼宇")
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), label="企业")
    building_name = serializers.CharField(source="building.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    area = serializers.DecimalField(**AREA, label="使用面积（㎡）")

    class Meta:
        model = Occupancy
        fields = [
            "id",
            "building",
            "building_name",
            "enterprise",
            "enterprise_name",
            "area",
            "start_date",
            "end_date",
        ]


class DesignateSerializer(serializers.Serializer):
    # The batch column is a small integer: anything above it is refused here, not by the database.
    batch = serializers.IntegerField(min_value=1, max_value=32767, label="批次")
    designated_on = serializers.DateField(required=False, label="授牌日期（默认今天）")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(label="撤销原因")
    revoked_on = serializers.DateField(required=False, label="撤销日期（默认今天）")


class DesignationSerializer(serializers.ModelSerializer):
    batch_label = serializers.CharField(read_only=True)

    class Meta:
        model = Designation
        fields = ["id", "building", "batch", "batch_label", "designated_on", "revoked_on", "revoke_reason"]


class DemonstrationBuildingSerializer(BuildingFiguresMixin, serializers.ModelSerializer):
    """A current 示范楼宇 for the public: the contract's building fields, the batch and the occupants'
    industries. Deliberately an explicit list: contacts and internal notes are never exposed here."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    park = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    park_name = serializers.CharField(source="park.name", read_only=True, default=None, allow_null=True)
    policies = PoliciesSerializer(source="*", read_only=True)
    batch = serializers.IntegerField(read_only=True)
    batch_label = serializers.CharField(read_only=True)
    designated_on = serializers.DateField(read_only=True)
    main_industries = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "park",
            "park_name",
            "address",
            "owner",
            "operator",
            "gross_area",
            "acquired_area",
            "acquired_on",
            "letting_area",
            "used_area",
            "occupancy_rate",
            "enterprise_count",
            "main_industries",
            "turnkey_ready",
            "incubation_area",
            "policies",
            "batch",
            "batch_label",
            "designated_on",
        ]
        read_only_fields = fields

    @extend_schema_field(MainIndustrySerializer(many=True))
    def get_main_industries(self, building):
        return self.context.get("main_industries", {}).get(building.pk, [])
