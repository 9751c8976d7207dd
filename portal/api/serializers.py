from rest_framework import serializers

from enterprises.models import Enterprise
from portal.models import Region, User


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "central_urban", "parent"]


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that only resolves to records the caller may see: another region's id reads as absent."""

    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request else None
        return self.queryset.model.objects.visible_to(user)


class AccountSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}, trim_whitespace=False
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
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
