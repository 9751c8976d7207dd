from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers import RegionCodeField

from ..choices import EvaluationPeriod, TieRule
from ..indicators import source_choices
from ..models import ManualScore, Run, Scheme
from ..selectors import diff_from_published, results_table


class IndicatorSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=100)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    source = serializers.ChoiceField(choices=source_choices())


class SchemeSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Scheme.regions.field.related_model.objects.all()
    )
    indicators = IndicatorSerializer(many=True)
    award_table = serializers.ListField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2), required=False, default=list
    )
    award_cap = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, default="3000.00")
    period = serializers.ChoiceField(choices=EvaluationPeriod.choices)
    tie_rule = serializers.ChoiceField(choices=TieRule.choices, default=TieRule.SHARE)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "year",
            "period",
            "regions",
            "indicators",
            "award_table",
            "award_cap",
            "tie_rule",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["indicators"] = IndicatorSerializer(instance.indicators.all(), many=True).data
        data["award_table"] = [f"{float(a):.2f}" for a in instance.award_table]
        return data


class ManualScoreSerializer(serializers.ModelSerializer):
    region = RegionCodeField()

    class Meta:
        model = ManualScore
        fields = ["id", "region", "indicator", "score", "comment", "attachment", "entered_at"]
        read_only_fields = ["entered_at"]
        validators = []


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.CharField()
    score = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    rank = serializers.IntegerField()
    total_score = serializers.CharField()
    award = serializers.CharField()
    indicators = IndicatorResultSerializer(many=True)


class RunSerializer(serializers.ModelSerializer):
    results = serializers.SerializerMethodField()
    diff_from_published = serializers.SerializerMethodField()

    class Meta:
        model = Run
        fields = [
            "id",
            "scheme",
            "status",
            "progress",
            "trigger",
            "note",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "published_at",
            "inputs",
            "results",
            "diff_from_published",
        ]
        read_only_fields = [f for f in fields if f != "note"]

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, run):
        return ResultSerializer(results_table(run), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField(), allow_null=True))
    def get_diff_from_published(self, run):
        return diff_from_published(run)


class RunQueuedSerializer(serializers.Serializer):
    run = serializers.IntegerField()


class RefusalSerializer(serializers.Serializer):
    """Why a recompute was not queued (409, 503)."""

    detail = serializers.CharField()
