from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enterprises.models import Enterprise
from portal.api.serializers import RegionCodeField, ScopedPrimaryKeyRelatedField

from ..models import Scenario, ScenarioApplication, ScenarioList


class WinnerSerializer(serializers.ModelSerializer):
    """An announced winner (公示): the enterprise and the amount awarded."""

    application = serializers.IntegerField(source="pk", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = ScenarioApplication
        fields = ["application", "enterprise", "enterprise_name", "amount"]


class ScenarioSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    # No ``default``: in a PATCH's answer DRF leaves out a field whose default it would fall back on
    # (``Field.get_default`` in a partial serializer); ``allow_null`` makes an unpublished scenario's null.
    list_no = serializers.CharField(source="published_list.code", read_only=True, allow_null=True)
    list_title = serializers.CharField(source="published_list.title", read_only=True, allow_null=True)
    application_count = serializers.IntegerField(read_only=True)
    awarded_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    winners = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = [
            "id",
            "title",
            "level",
            "region",
            "region_name",
            "domain",
            "owner_type",
            "owner_unit",
            "scope",
            "funding_amount",
            "funding_source",
            "status",
            "list_no",
            "list_title",
            "published_on",
            "deadline",
            "application_count",
            "awarded_on",
            "awarded_amount",
            "winners",
            "started_on",
            "delivered_on",
            "delivery_evidence",
            "withdrawn_on",
            "withdraw_reason",
        ]
        read_only_fields = [
            "status",
            "published_on",
            "awarded_on",
            "started_on",
            "delivered_on",
            "delivery_evidence",
            "withdrawn_on",
            "withdraw_reason",
        ]
        extra_kwargs = {"level": {"required": False}}
        # Title uniqueness in a region is the service's to check, with its Chinese message.
        validators = []

    @extend_schema_field(WinnerSerializer(many=True))
    def get_winners(self, obj):
        winners = getattr(obj, "winners", None)
        if winners is None:
            winners = ScenarioApplication.objects.public().filter(scenario=obj).select_related("enterprise")
        return WinnerSerializer(winners, many=True).data


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(label="发布日期", required=False, help_text="默认今天")
    deadline = serializers.DateField(
        label="揭榜截止日期", required=False, help_text="默认为登记的截止日期，或发布日期加默认揭榜期限"
    )


class AwardWinnerSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(queryset=ScenarioApplication.objects.all(), label="揭榜申请")
    amount = serializers.DecimalField(label="中榜金额（万元）", max_digits=12, decimal_places=2)


class AwardSerializer(serializers.Serializer):
    winners = AwardWinnerSerializer(many=True, label="中榜企业")
    awarded_on = serializers.DateField(label="定榜日期", required=False, help_text="默认今天")


class StartSerializer(serializers.Serializer):
    started_on = serializers.DateField(label="开始实施日期", required=False, help_text="默认今天")


class DeliverSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(label="落地日期", required=False, help_text="默认今天")
    evidence = serializers.CharField(label="落地证明", max_length=500, allow_blank=True, required=False)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(label="终止原因", max_length=500, allow_blank=True, required=False)
    withdrawn_on = serializers.DateField(label="终止日期", required=False, help_text="默认今天")


class ScenarioApplicationSerializer(serializers.ModelSerializer):
    scenario = ScopedPrimaryKeyRelatedField(queryset=Scenario.objects.all())
    scenario_title = serializers.CharField(source="scenario.title", read_only=True)
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    attachment = serializers.FileField(required=False, allow_null=True, write_only=True)
    attachment_name = serializers.SerializerMethodField()
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = ScenarioApplication
        fields = [
            "id",
            "scenario",
            "scenario_title",
            "enterprise",
            "enterprise_name",
            "proposal",
            "attachment",
            "attachment_name",
            "attachment_url",
            "status",
            "amount",
            "applied_on",
        ]
        read_only_fields = ["status", "amount", "applied_on"]
        # Applying once per scenario is the service's to check, with its Chinese message.
        validators = []
        extra_kwargs = {"proposal": {"allow_blank": True}}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attachment_name(self, obj):
        return obj.attachment.name.rsplit("/", 1)[-1] if obj.attachment else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachment_url(self, obj):
        if not obj.attachment:
            return None
        url = reverse("scenarios:attachment", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ScenarioListSerializer(serializers.ModelSerializer):
    list_no = serializers.CharField(source="code", read_only=True)
    # Plain text: the enum ``level`` belongs to the scenario's schema (city / district).
    level = serializers.CharField(read_only=True, help_text="city 市级；district 区县级")
    region = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="市级清单为空"
    )
    title = serializers.CharField(read_only=True)
    scenario_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScenarioList
        fields = [
            "id",
            "list_no",
            "title",
            "level",
            "region",
            "year",
            "number",
            "published_on",
            "scenario_count",
        ]
