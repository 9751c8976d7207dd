"""What each role may do, in one list: the navigation bar and the home page's cards both come from it.

Each app's issue adds its entries here; ``roles`` uses the Role values plus "public" for everyone.
"""

from dataclasses import dataclass

from django.urls import reverse

from .choices import Role
from .scoping import role_of

PUBLIC = "public"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple
    description: str
    staff_only: bool = False


ITEMS = (
    NavItem("首页", "home", (PUBLIC, Role.CITY, Role.DISTRICT, Role.ENTERPRISE), "门户首页"),
    NavItem(
        "账号管理",
        "account-list",
        (Role.CITY, Role.DISTRICT),
        "开设和停用账号；区县用户为本区域企业开设企业填报员账号。",
    ),
    NavItem(
        "修改密码", "password_change", (Role.CITY, Role.DISTRICT, Role.ENTERPRISE), "修改自己的登录密码。"
    ),
    NavItem(
        "接口文档",
        "api-docs",
        (Role.CITY, Role.DISTRICT, Role.ENTERPRISE),
        "对接企业系统和市级监测平台的 API。",
    ),
    NavItem("管理后台", "admin:index", (Role.CITY,), "维护区域等基础数据，查看修改历史。", staff_only=True),
)


def items_for(user) -> list[dict]:
    role = role_of(user) or PUBLIC
    return [
        {"label": item.label, "url": reverse(item.url_name), "description": item.description}
        for item in ITEMS
        if role in item.roles and (not item.staff_only or user.is_staff)
    ]


def navigation(request):
    """Template context processor: ``nav_items`` for the current user."""
    return {"nav_items": items_for(request.user)}
