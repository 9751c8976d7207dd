"""Demo application scenarios (SPEC §10): 40 scenarios across the domains, the city's lists and the central
urban districts' lists (a few elsewhere), in every state: being collected (one still without funding), open
for 揭榜, closed and waiting for 定榜, awarded, under way, delivered, and one withdrawn. Applicants are demo
enterprises, mostly of the scenario's region, some from elsewhere (any Chongqing enterprise may apply).

Deterministic and idempotent: the plan is drawn from one random stream that reads nothing from the database,
dates are relative to ``today``, and a scenario that exists (same region and title) is skipped. Everything is
written through the services, by the demo account that manages each scenario."""

import random
from datetime import timedelta
from decimal import Decimal

from enterprises.models import Enterprise
from portal.models import Region, User

from . import services
from .choices import Domain, Level, OwnerType
from .models import Scenario

# (domain, owner type, title, district owner unit, city owner unit, what is built)
TEMPLATES = [
    (
        Domain.GOVERNMENT,
        OwnerType.GOVERNMENT,
        "政务服务“一网通办”智能客服",
        "{region}政务服务管理办公室",
        "重庆市政府办公厅",
        "覆盖高频政务服务事项的智能问答、智能导办和工单流转，接入“渝快办”",
    ),
    (
        Domain.GOVERNMENT,
        OwnerType.GOVERNMENT,
        "基层治理数字化平台",
        "{region}大数据发展局",
        "重庆市大数据应用发展管理局",
        "网格事件采集、分拨、处置和考核闭环，打通镇街和部门业务系统",
    ),
    (
        Domain.GOVERNMENT,
        OwnerType.GOVERNMENT,
        "12345热线工单智能分派",
        "{region}政务服务管理办公室",
        "重庆市人民政府办公厅12345热线管理中心",
        "热线工单语义识别、自动分派和重复诉求合并，派单准确率达到 90% 以上",
    ),
    (
        Domain.FINANCE,
        OwnerType.STATE_OWNED,
        "普惠金融信用信息共享平台",
        "{region}金融服务中心",
        "重庆市地方金融管理局",
        "汇聚涉企政务数据，为银行提供授信评估接口，支持小微企业线上信用贷款",
    ),
    (
        Domain.FINANCE,
        OwnerType.KEY_INDUSTRY,
        "供应链金融区块链服务平台",
        "{region}产业投资集团有限公司",
        "重庆产业投资基金管理有限公司",
        "核心企业应收账款上链确权、拆分流转和融资，对接银行放款系统",
    ),
    (
        Domain.TRANSPORT,
        OwnerType.STATE_OWNED,
        "智慧停车诱导与共享平台",
        "{region}城市建设投资（集团）有限公司",
        "重庆市城市交通开发投资（集团）有限公司",
        "路内外停车位实时感知、诱导发布和错时共享，统一支付和信用停车",
    ),
    (
        Domain.TRANSPORT,
        OwnerType.STATE_OWNED,
        "公交客流分析与智能排班",
        "{region}公共交通有限公司",
        "重庆市公共交通控股（集团）有限公司",
        "基于刷卡和车载视频的客流 OD 分析、线网优化建议和智能排班",
    ),
    (
        Domain.TRANSPORT,
        OwnerType.STATE_OWNED,
        "轨道交通站点客流预警",
        "{region}交通运输委员会",
        "重庆市轨道交通（集团）有限公司",
        "站点客流实时监测、大客流预警和应急疏导联动",
    ),
    (
        Domain.HEALTH,
        OwnerType.STATE_OWNED,
        "区域医学影像云平台",
        "{region}人民医院",
        "重庆医科大学附属第一医院",
        "区域内医疗机构影像数据上云、互认共享和 AI 辅助诊断",
    ),
    (
        Domain.HEALTH,
        OwnerType.GOVERNMENT,
        "家庭医生签约智能随访",
        "{region}卫生健康委员会",
        "重庆市卫生健康委员会",
        "慢病患者签约管理、智能随访提醒和健康档案动态更新",
    ),
    (
        Domain.EDUCATION,
        OwnerType.GOVERNMENT,
        "中小学智慧课堂与学情分析",
        "{region}教育委员会",
        "重庆市教育委员会",
        "课堂互动、作业批改和学情分析，支持区域教研和减负提质",
    ),
    (
        Domain.EDUCATION,
        OwnerType.STATE_OWNED,
        "职业院校虚拟仿真实训平台",
        "{region}职业教育中心",
        "重庆工程职业技术学院",
        "智能制造、汽车维修等专业的虚拟仿真实训课程和考核系统",
    ),
    (
        Domain.ENERGY,
        OwnerType.KEY_INDUSTRY,
        "园区综合能源管理平台",
        "国网重庆市电力公司{region}供电分公司",
        "国网重庆市电力公司",
        "园区水电气热计量采集、能效分析和需求响应",
    ),
    (
        Domain.ENERGY,
        OwnerType.STATE_OWNED,
        "公共建筑能耗监测与节能优化",
        "{region}机关事务管理局",
        "重庆市机关事务管理局",
        "公共机构建筑能耗分项计量、异常诊断和空调系统节能控制",
    ),
    (
        Domain.VENUE,
        OwnerType.STATE_OWNED,
        "体育场馆智慧票务与客流管理",
        "{region}体育中心",
        "重庆奥林匹克体育中心",
        "电子票务、人脸核验入场、场馆客流热力和安防联动",
    ),
    (
        Domain.VENUE,
        OwnerType.STATE_OWNED,
        "会展场馆数字孪生运营",
        "{region}会展中心",
        "重庆国际博览中心",
        "场馆三维数字孪生、展会排期、能耗和安防一体化运营",
    ),
    (
        Domain.CULTURE,
        OwnerType.STATE_OWNED,
        "历史文化街区沉浸式数字体验",
        "{region}文化旅游发展集团有限公司",
        "重庆文化旅游集团有限公司",
        "AR 导览、数字光影秀和游客画像分析，提升夜间文旅消费",
    ),
    (
        Domain.CULTURE,
        OwnerType.GOVERNMENT,
        "博物馆数字展陈与线上导览",
        "{region}文化和旅游发展委员会",
        "重庆中国三峡博物馆",
        "馆藏文物三维数字化、线上展厅和智能讲解",
    ),
    (
        Domain.MANUFACTURING,
        OwnerType.KEY_INDUSTRY,
        "汽车零部件质量视觉检测",
        "{region}汽车零部件产业园管委会",
        "重庆长安汽车股份有限公司",
        "冲压件、焊点和装配缺陷的机器视觉检测，检出率达到 99% 以上",
    ),
    (
        Domain.MANUFACTURING,
        OwnerType.KEY_INDUSTRY,
        "工业设备预测性维护",
        "{region}工业园区管理委员会",
        "重庆机电控股（集团）公司",
        "关键设备振动、温度数据采集和故障预测，减少非计划停机",
    ),
    (
        Domain.MANUFACTURING,
        OwnerType.KEY_INDUSTRY,
        "电子信息制造数字化车间",
        "{region}电子信息产业园管委会",
        "重庆京东方光电科技有限公司",
        "MES、WMS 和设备联网一体化，实现生产过程透明化和质量追溯",
    ),
    (
        Domain.OTHER,
        OwnerType.GOVERNMENT,
        "城市生命线安全监测",
        "{region}应急管理局",
        "重庆市应急管理局",
        "燃气、供水、桥梁等城市生命线工程的物联感知、风险预警和应急处置",
    ),
    (
        Domain.OTHER,
        OwnerType.GOVERNMENT,
        "智慧社区养老服务平台",
        "{region}民政局",
        "重庆市民政局",
        "居家养老服务需求登记、服务派单、监管和适老化智能终端接入",
    ),
]

# Where district-level demo scenarios are: the central urban regions, weighted, and a few others.
DISTRICT_CODES = [
    "500103",
    "500103",
    "500105",
    "500105",
    "500106",
    "500107",
    "500108",
    "500109",
    "500109",
    "500112",
    "500112",
    "500113",
    "500104",
    "LJXQ",
    "LJXQ",
    "GXQ",
    "GXQ",
    "500101",
    "500118",
]
CITY_CODES = ["500103", "500112", "LJXQ", "GXQ", "500106"]

# Forty scenarios in every state; "closed" is published with its deadline passed, waiting for 定榜.
STATES = (
    ["collected"] * 5
    + ["open"] * 10
    + ["closed"] * 3
    + ["awarded"] * 5
    + ["in_progress"] * 7
    + ["delivered"] * 9
    + ["withdrawn"]
)
FUNDING = [80, 120, 150, 200, 260, 300, 450, 600, 800, 1200, 2000]
DISTRICT_SOURCES = ["区级财政预算资金", "政府专项债券资金", "业主单位自筹资金", "市级专项资金和区级配套资金"]
CITY_SOURCES = ["市级财政专项资金", "市级部门预算资金", "业主单位自筹资金"]
PROPOSALS = [
    "采用微服务架构和国产化软硬件适配方案，提供需求调研、系统开发、部署实施和三年运维服务。",
    "基于自主研发的平台产品快速部署，结合业主业务流程定制开发，分三期实施并提供驻场运维。",
    "联合高校团队组建项目组，提供算法模型训练、系统集成和人员培训，已有同类项目在本市落地。",
]


def _plan(regions: dict) -> list[dict]:
    """The demo scenarios, drawn from one random stream that reads nothing from the database: every run plans
    the same scenarios (dates relative to today), and the ones that exist are skipped."""
    rng = random.Random(20220715)
    states = list(STATES)
    rng.shuffle(states)
    plan, titles = [], set()
    for index, state in enumerate(states):
        domain, owner_type, name, district_owner, city_owner, content = TEMPLATES[index % len(TEMPLATES)]
        level = Level.CITY if index % 4 == 1 else Level.DISTRICT
        while True:
            code = rng.choice(CITY_CODES if level == Level.CITY else DISTRICT_CODES)
            region = regions[code]
            title = f"重庆市{name}" if level == Level.CITY else f"{region.name}{name}"
            if (code, title) not in titles:
                break
            level = Level.DISTRICT  # a second city-level twin of a template becomes a district one
        titles.add((code, title))
        owner = city_owner if level == Level.CITY else district_owner.format(region=region.name)
        funding = Decimal(rng.choice(FUNDING))
        source = rng.choice(CITY_SOURCES if level == Level.CITY else DISTRICT_SOURCES)
        if owner_type != OwnerType.GOVERNMENT and rng.random() < 0.5:
            source = "业主单位自筹资金"
        # Days before today of each step (a stream of its own, so the plan's shape never shifts).
        days = random.Random(f"{code}{title}")
        published = {
            "open": days.randint(2, 25),
            "closed": days.randint(45, 80),
            "awarded": days.randint(60, 120),
            "in_progress": days.randint(150, 400),
            "delivered": days.randint(420, 700),
            "withdrawn": days.randint(90, 130),
        }.get(state)
        plan.append(
            {
                "state": state,
                "level": level,
                "region": region,
                "title": title,
                "domain": domain,
                "owner_type": owner_type,
                "owner_unit": owner,
                "scope": (
                    f"建设内容：{content}。\n"
                    f"边界：由{owner}提供业务需求、数据接口和试点场地；揭榜单位负责方案设计、开发部署、"
                    f"系统集成和一年运维，不含硬件土建。\n"
                    f"验收：上线试运行三个月，功能和性能指标达到揭榜方案承诺，通过业主组织的验收。"
                ),
                # The first scenario being collected still lacks its funding (资金未落实): it cannot be published.
                "funding_amount": None
                if state == "collected" and index == states.index("collected")
                else funding,
                "funding_source": ""
                if state == "collected" and index == states.index("collected")
                else source,
                "published_ago": published,
                "window": days.randint(30, 45),
                "applicants": days.randint(1, 5),
                "winners": 2 if funding >= 600 and days.random() < 0.4 else 1,
                "share": days.uniform(0.6, 0.95),
                "award_after": days.randint(8, 20),
                "start_after": days.randint(7, 20),
                "deliver_after": days.randint(120, 300),
            }
        )
    return plan


def _applicants(spec: dict, enterprises: list) -> list:
    """A scenario's applicants: mostly enterprises of its region, one or two from elsewhere."""
    rng = random.Random(spec["title"])
    local = [e for e in enterprises if e.region_id == spec["region"].pk]
    others = [e for e in enterprises if e.region_id != spec["region"].pk]
    chosen = rng.sample(local, k=min(len(local), max(1, spec["applicants"] - 1)))
    chosen += rng.sample(others, k=min(len(others), spec["applicants"] - len(chosen)))
    return chosen


def seed(*, password: str, today) -> str:
    codes = set(DISTRICT_CODES) | set(CITY_CODES)
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    plan = _plan(regions)
    existing = set(Scenario.objects.filter(region__code__in=codes).values_list("region__code", "title"))
    plan = [spec for spec in plan if (spec["region"].code, spec["title"]) not in existing]
    if not plan:
        return "新建应用场景 0 个"
    managers = {u.username: u for u in User.objects.filter(username__startswith="district-")}
    city = User.objects.filter(username="city").first()
    enterprises = list(Enterprise.objects.order_by("uscc"))
    filers = {
        u.enterprise_id: u for u in User.objects.filter(username__startswith="ent-", enterprise__isnull=False)
    }

    def manager(spec):
        return city if spec["level"] == Level.CITY else managers.get(f"district-{spec['region'].code}")

    created = {}
    for spec in plan:
        fields = {
            key: spec[key]
            for key in ("title", "region", "domain", "owner_type", "owner_unit", "scope", "funding_source")
        }
        created[spec["title"]] = services.create_scenario(
            actor=manager(spec), level=spec["level"], funding_amount=spec["funding_amount"], **fields
        )

    # Publish in date order, so each publisher's lists are numbered the way they were dated.
    published = sorted(
        (spec for spec in plan if spec["published_ago"] is not None),
        key=lambda spec: (-spec["published_ago"], spec["title"]),
    )
    applications = 0
    for spec in published:
        actor = manager(spec)
        published_on = today - timedelta(days=spec["published_ago"])
        deadline = published_on + timedelta(days=spec["window"])
        scenario = services.publish_scenario(
            actor=actor, scenario=created[spec["title"]], published_on=published_on, deadline=deadline
        )
        last_day = min(deadline, today)
        entries = []
        for enterprise in _applicants(spec, enterprises):
            on = published_on + timedelta(days=random.Random(enterprise.uscc + spec["title"]).randint(0, 25))
            entries.append(
                services.apply_for_scenario(
                    actor=filers.get(enterprise.pk),
                    enterprise=enterprise,
                    scenario=scenario,
                    proposal=f"{enterprise.name}揭榜方案：{random.Random(enterprise.uscc).choice(PROPOSALS)}",
                    on=min(on, last_day),
                )
            )
        applications += len(entries)
        if spec["state"] == "withdrawn":
            services.withdraw_scenario(
                actor=actor,
                scenario=scenario,
                reason="业主单位调整建设计划，需求并入市级平台统一建设。",
                withdrawn_on=min(deadline + timedelta(days=5), today),
            )
            continue
        if spec["state"] not in ("awarded", "in_progress", "delivered") or not entries:
            continue
        awarded_on = min(deadline + timedelta(days=spec["award_after"]), today)
        total = (scenario.funding_amount * Decimal(str(round(spec["share"], 2)))).quantize(Decimal("1"))
        winners = entries[: spec["winners"]]
        shares = [Decimal("0.6"), Decimal("0.4")] if len(winners) == 2 else [Decimal(1)]
        services.award_scenario(
            actor=actor,
            scenario=scenario,
            winners=[
                {"application": entry, "amount": (total * share).quantize(Decimal("0.01"))}
                for entry, share in zip(winners, shares, strict=True)
            ],
            awarded_on=awarded_on,
        )
        if spec["state"] == "awarded":
            continue
        started_on = min(awarded_on + timedelta(days=spec["start_after"]), today)
        services.start_scenario(actor=actor, scenario=scenario, started_on=started_on)
        if spec["state"] == "delivered":
            delivered_on = min(started_on + timedelta(days=spec["deliver_after"]), today - timedelta(days=3))
            services.deliver_scenario(
                actor=actor,
                scenario=scenario,
                delivered_on=max(delivered_on, started_on),
                evidence=f"项目验收报告（{spec['owner_unit']}，{delivered_on:%Y}年第{delivered_on.month}号）",
            )
    return f"新建应用场景 {len(created)} 个，揭榜申请 {applications} 份"
