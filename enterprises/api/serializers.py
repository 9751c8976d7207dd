from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers import PeriodField, RegionCodeField, ScopedPrimaryKeyRelatedField
from portal.choices import Role
from portal.models import User

from ..choices import FocusTag, TierLevel
from ..models import FIGURE_FIELDS, Enterprise, EnterpriseTag, Honour, MonthlyReport, SupportGrant


class HonourSerializer(serializers.ModelSerializer):
    class Meta:
        model = Honour
        fields = ["kind", "year", "evidence"]


class TierSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=TierLevel.choices, allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    headcount = serializers.IntegerField(allow_null=True)
    operating_revenue = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class TagListField(serializers.ListField):
    """Focus tags as a list of codes; read from the prefetched ``tags`` rows."""

    child = serializers.ChoiceField(choices=FocusTag.choices)

    def to_representation(self, data):
        return sorted(tag.tag for tag in data.all())


class EnterpriseSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    park = RegionCodeField(required=False, allow_null=True)
    relocated_from = RegionCodeField(required=False, allow_null=True)
    service_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=[Role.CITY, Role.DISTRICT]), required=False, allow_null=True
    )
    building = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise._meta.get_field("building").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    tags = TagListField(required=False)
    tier = serializers.SerializerMethodField()
    honours = HonourSerializer(many=True, read_only=True)
    pool_level = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "region",
            "park",
            "address",
            "building",
            "industry",
            "tags",
            "arrival_date",
            "arrival_origin",
            "relocated_from",
            "reporting",
            "contact_name",
            "contact_phone",
            "contact_email",
            "service_officer",
            "tier",
            "honours",
            "pool_level",
        ]
        # USCC format and uniqueness are the service's to check, with its Chinese messages.
        extra_kwargs = {"uscc": {"validators": []}}

    @extend_schema_field(TierSerializer)
    def get_tier(self, obj):
        return {
            "level": obj.tier or None,
            "year": obj.tier_year,
            "headcount": obj.tier_headcount,
            "operating_revenue": None if obj.tier_revenue is None else f"{obj.tier_revenue:.2f}",
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pool_level(self, obj):
        pool = getattr(obj, "pool", None)
        return pool.level if pool else None


# --- The list's lean path: the same rows as ``EnterpriseSerializer(many=True).data`` from plain values ------
#
# The list is the API's hottest read (a district officer's 50 rows). Building model instances for each row,
# its region, park, pool, tags and honours, then running every DRF field over them costs several times the
# queries themselves; reading plain values and shaping them here gives the same JSON at a fraction of the cost.
# tests/enterprises/test_lean_list.py compares both on rows with every optional field set.

ROW_VALUES = (
    "id",
    "uscc",
    "name",
    "region__code",
    "park__code",
    "address",
    "building_id",
    "industry",
    "arrival_date",
    "arrival_origin",
    "relocated_from__code",
    "reporting",
    "contact_name",
    "contact_phone",
    "contact_email",
    "service_officer_id",
    "tier",
    "tier_year",
    "tier_headcount",
    "tier_revenue",
    "pool__level",
)


def enterprise_rows(values: list[dict]) -> list[dict]:
    """``EnterpriseSerializer`` output for rows of ``Enterprise.objects.values(*ROW_VALUES)``: two queries
    for the tags and honours of all of them, whatever their number."""
    ids = [row["id"] for row in values]
    tags: dict[int, list[str]] = {pk: [] for pk in ids}
    for enterprise_id, tag in EnterpriseTag.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "tag"
    ):
        tags[enterprise_id].append(tag)
    honours: dict[int, list[dict]] = {pk: [] for pk in ids}
    for enterprise_id, kind, year, evidence in (
        Honour.objects.filter(enterprise_id__in=ids).order_by(*Honour._meta.ordering)
    ).values_list("enterprise_id", "kind", "year", "evidence"):
        honours[enterprise_id].append({"kind": kind, "year": year, "evidence": evidence})
    return [
        {
            "id": row["id"],
            "uscc": row["uscc"],
            "name": row["name"],
            "region": row["region__code"],
            "park": row["park__code"],
            "address": row["address"],
            "building": row["building_id"],
            "industry": row["industry"],
            "tags": sorted(tags[row["id"]]),
            "arrival_date": row["arrival_date"].isoformat() if row["arrival_date"] else None,
            "arrival_origin": row["arrival_origin"],
            "relocated_from": row["relocated_from__code"],
            "reporting": row["reporting"],
            "contact_name": row["contact_name"],
            "contact_phone": row["contact_phone"],
            "contact_email": row["contact_email"],
            "service_officer": row["service_officer_id"],
            "tier": {
                "level": row["tier"] or None,
                "year": row["tier_year"],
                "headcount": row["tier_headcount"],
                "operating_revenue": None if row["tier_revenue"] is None else f"{row['tier_revenue']:.2f}",
            },
            "honours": honours[row["id"]],
            "pool_level": row["pool__level"],
        }
        for row in values
    ]


class SupportGrantSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = SupportGrant
        fields = ["id", "enterprise", "kind", "amount", "granted_on", "note"]


class MonthlyReportSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region.code", read_only=True)
    period = PeriodField()
    warnings = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region",
            "period",
            *FIGURE_FIELDS[:2],
            "software_revenue",
            *FIGURE_FIELDS[2:],
            "status",
            "warnings",
            "return_reason",
            "submitted_at",
        ]
        read_only_fields = ["software_revenue", "status", "return_reason", "submitted_at"]
        # One report per enterprise and month is the service's to check, with its Chinese message.
        validators = []

    def validate(self, attrs):
        request = self.context["request"]
        if self.instance is None and "enterprise" not in attrs:
            if request.user.role != Role.ENTERPRISE:
                raise serializers.ValidationError({"enterprise": "请指定企业。"})
            attrs["enterprise"] = request.user.enterprise
        if (
            self.instance is not None
            and "enterprise" in attrs
            and attrs.pop("enterprise") != self.instance.enterprise
        ):
            raise serializers.ValidationError({"enterprise": "月报所属企业不能修改。"})
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label="原因", max_length=500)


class CompletenessMissingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    uscc = serializers.CharField()
    name = serializers.CharField()


class CompletenessRowSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    expected = serializers.IntegerField()
    filed = serializers.IntegerField()
    accepted = serializers.IntegerField()
    late = serializers.IntegerField()
    rate = serializers.FloatField()
    missing = CompletenessMissingSerializer(many=True)


class CompletenessSerializer(serializers.Serializer):
    period = serializers.CharField()
    deadline = serializers.DateField()
    results = CompletenessRowSerializer(many=True)
