"""What each role may do, in one list: the navigation bar and the home page's cards both come from it.

Each app's issue adds its entries here; ``roles`` uses the Role values plus "public" for everyone. Entries
with the same ``group`` share one drop-down menu in the top bar (a group a role sees one entry of is a plain
link); ``secondary`` entries sit small beside the user's name.
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
    secondary: bool = False  # shown small, beside the user's name, not in the main row
    group: str = ""


ITEMS = (
    NavItem("首页", "home", (PUBLIC, Role.CITY, Role.DISTRICT, Role.ENTERPRISE), "门户首页"),
    NavItem(
        "企业",
        "enterprises:list",
        (Role.CITY, Role.DISTRICT),
        "企业名录、梯度、荣誉和新入驻支持。",
        group="企业",
    ),
    NavItem(
        "月报审核",
        "enterprises:review",
        (Role.CITY, Role.DISTRICT),
        "审核企业月报，附同比、环比和预警。",
        group="企业",
    ),
    NavItem(
        "报送情况",
        "enterprises:completeness",
        (Role.CITY, Role.DISTRICT),
        "各区域报送率和未报企业催报名单。",
        group="企业",
    ),
    NavItem("培育库", "enterprises:pool", (Role.CITY,), "启明星、北斗星培育库及年度培优汰劣。", group="企业"),
    NavItem(
        "企业月报",
        "enterprises:report-list",
        (Role.ENTERPRISE,),
        "按月报送本企业统计数据，查看审核进度。",
        group="企业",
    ),
    NavItem(
        "楼宇台账",
        "buildings-ledger",
        (Role.CITY, Role.DISTRICT),
        "存量楼宇台账：收储、改造、入驻和使用面积。",
        group="楼宇",
    ),
    NavItem(
        "示范楼宇评选",
        "buildings-selection",
        (Role.CITY,),
        "按入驻率、企业、从业人员和收入排序候选楼宇并授牌。",
        group="楼宇",
    ),
    NavItem(
        "示范楼宇",
        "demonstration-buildings",
        (PUBLIC, Role.CITY, Role.DISTRICT, Role.ENTERPRISE),
        "“满天星”示范楼宇名单：地址、面积、入驻率和主要产业。",
        group="楼宇",
    ),
    NavItem(
        "应用场景",
        "scenarios:list",
        (PUBLIC, Role.CITY, Role.DISTRICT, Role.ENTERPRISE),
        "已发布的应用场景清单：建设内容、业主、资金和揭榜截止日期。",
        group="场景",
    ),
    NavItem(
        "场景管理",
        "scenarios:manage",
        (Role.CITY, Role.DISTRICT),
        "征集、发布应用场景，定榜并跟踪实施和落地。",
        group="场景",
    ),
    NavItem(
        "我的揭榜",
        "scenarios:my-applications",
        (Role.ENTERPRISE,),
        "揭榜应用场景，查看定榜结果。",
        group="场景",
    ),
    NavItem(
        "发展评价",
        "evaluation:schemes",
        (Role.CITY, Role.DISTRICT),
        "半年评估、全年考核：排名、奖励和得分卡。",
    ),
    NavItem(
        "数据导入",
        "imports:index",
        (Role.CITY, Role.DISTRICT),
        "下载 Excel 模板，批量导入楼宇、企业、入驻记录和月报：先试导入，确认后整批写入。",
    ),
    NavItem(
        "政策目标",
        "programmes:list",
        (Role.CITY, Role.DISTRICT, Role.ENTERPRISE),
        "政策文件、目标进展、工作事项清单、重点招商项目库和活动。",
        group="政策",
    ),
    NavItem(
        "政策进展",
        "programmes:progress",
        (PUBLIC,),
        "“满天星”行动计划等政策文件的目标完成情况。",
        group="政策",
    ),
    NavItem(
        "账号管理",
        "accounts",
        (Role.CITY, Role.DISTRICT),
        "开设和停用账号；区县用户为本区域企业开设企业填报员账号。",
    ),
    NavItem(
        "修改密码",
        "password_change",
        (Role.CITY, Role.DISTRICT, Role.ENTERPRISE),
        "修改自己的登录密码。",
        secondary=True,
    ),
    NavItem(
        "接口文档",
        "api-docs",
        (Role.CITY, Role.DISTRICT, Role.ENTERPRISE),
        "对接企业系统和市级监测平台的 API。",
        secondary=True,
    ),
    NavItem(
        "管理后台",
        "admin:index",
        (Role.CITY,),
        "维护区域等基础数据，查看修改历史。",
        staff_only=True,
        secondary=True,
    ),
)


def items_for(user) -> list[dict]:
    role = role_of(user) or PUBLIC
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "description": item.description,
            "secondary": item.secondary,
            "group": item.group,
        }
        for item in ITEMS
        if role in item.roles and (not item.staff_only or user.is_staff)
    ]


def menu_for(user, items: list[dict] | None = None) -> list[dict]:
    """The top bar: main entries in order, grouped entries gathered under their group's label. ``items``:
    ``items_for(user)`` when the caller has it already."""
    menu, groups = [], {}
    for item in items_for(user) if items is None else items:
        if item["secondary"]:
            continue
        if not item["group"]:
            menu.append({"label": item["label"], "url": item["url"], "items": []})
        elif item["group"] in groups:
            groups[item["group"]]["items"].append(item)
        else:
            groups[item["group"]] = {"label": item["group"], "url": item["url"], "items": [item]}
            menu.append(groups[item["group"]])
    for entry in menu:
        if len(entry["items"]) == 1:  # a group of one is a plain link, under the entry's own name
            entry["label"], entry["items"] = entry["items"][0]["label"], []
    return menu


def navigation(request):
    """Template context processor: ``nav_items`` for the current user."""
    items = items_for(request.user)  # once: each item is a reverse()
    return {"nav_items": items, "nav_menu": menu_for(request.user, items)}
