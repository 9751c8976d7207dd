from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from portal.models import Region, User
from portal.periods import format_period, parse_period


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "central_urban", "parent"]


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that only resolves to records the caller may see. Another region's id is answered like
    a missing one, 404 (API.md: out of scope is 404), so a caller cannot probe what exists elsewhere."""

    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request else None
        return self.queryset.model.objects.visible_to(user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if any(getattr(detail, "code", "") == "does_not_exist" for detail in exc.detail):
                name = self.queryset.model._meta.verbose_name
                raise NotFound(f"{name}（{data}）不存在或不在您的权限范围内。") from exc
            raise


class RegionCodeField(serializers.SlugRelatedField):
    """A region referred to by its code (API.md)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(slug_field="code", **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class PeriodField(serializers.Field):
    """A month as "YYYY-MM"."""

    def to_representation(self, value):
        return format_period(value)

    def to_internal_value(self, data):
        try:
            return parse_period(str(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class AccountSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}, trim_whitespace=False
    )
    region = RegionCodeField(required=False, allow_null=True)
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=User.enterprise_model().objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = User
        fields = ["id", "username", "password", "role", "region", "enterprise", "is_active", "last_login"]
        read_only_fields = ["last_login"]
        # Uniqueness is the service's to check, with its Chinese message.
        extra_kwargs = {"username": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        region = instance.scope_region
        data["region"] = region.code if region else None
        return data

    def validate(self, attrs):
        if self.instance is None:
            if not attrs.get("password"):
                raise serializers.ValidationError({"password": "请设置初始密码。"})
            return attrs
        username = attrs.pop("username", self.instance.username)
        if username != self.instance.username:
            raise serializers.ValidationError({"username": "用户名创建后不能修改。"})
        return attrs
