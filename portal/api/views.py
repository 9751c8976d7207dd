from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import services
from portal.choices import Role
from portal.filtersets import AccountFilterSet, RegionFilterSet
from portal.models import Region, User

from .base import PUBLIC, ScopedModelViewSet, ScopedReadOnlyViewSet
from .serializers import AccountSerializer, RegionSerializer


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名")
    password = serializers.CharField(label="密码", style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token <key>`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # django-axes marks the Django request (not DRF's wrapper) when it locks a login out.
        user = authenticate(request=request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response({"detail": "用户名或密码错误。"}, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RegionViewSet(ScopedReadOnlyViewSet):
    """Chongqing's regions (SPEC §2): public reference data."""

    model = Region
    read_roles = (PUBLIC,)
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"

    def optimize(self, queryset):
        return queryset.select_related("parent")


class AccountViewSet(ScopedModelViewSet):
    """Accounts: city staff manage all; a district officer opens enterprise users for its own region."""

    model = User
    read_roles = (Role.CITY, Role.DISTRICT, Role.ENTERPRISE)
    write_roles = (Role.CITY, Role.DISTRICT)
    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet

    def optimize(self, queryset):
        return queryset.select_related("region", "enterprise__region")

    def perform_create(self, serializer):
        serializer.instance = services.create_account(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_account(
            actor=self.request.user, account=serializer.instance, **serializer.validated_data
        )
