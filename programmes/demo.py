"""Demo data of the programmes app, after the domain apps and evaluation: investment projects and events in
the central urban regions, progress notes on the programmes' numbered tasks, this year's work items (some
overdue), and manual progress with evidence. Deterministic (seeded per record) and idempotent (natural keys);
live data dates are relative to ``today``."""

import random
from datetime import date, timedelta
from decimal import Decimal

from portal.models import Region, User

from . import services
from .choices import EventKind, ProjectStage, WorkItemKind, WorkItemStatus
from .models import Event, InvestmentProject, Programme, Target, WorkItem

CENTRAL = [
    "500103",
    "500104",
    "500105",
    "500106",
    "500107",
    "500108",
    "500109",
    "500112",
    "500113",
    "LJXQ",
    "GXQ",
]
INVESTORS = [
    "华为技术有限公司",
    "腾讯云计算（北京）有限责任公司",
    "阿里云计算有限公司",
    "中国电子信息产业集团有限公司",
    "浪潮集团有限公司",
    "科大讯飞股份有限公司",
    "用友网络科技股份有限公司",
    "奇安信科技集团股份有限公司",
    "深信服科技股份有限公司",
    "中科曙光信息产业股份有限公司",
    "金蝶软件（中国）有限公司",
    "东软集团股份有限公司",
    "中软国际有限公司",
    "软通动力信息技术（集团）股份有限公司",
    "亚信科技（中国）有限公司",
    "360数字安全科技集团有限公司",
]
PROJECT_KINDS = [
    "西南区域总部",
    "研发中心",
    "工业软件创新中心",
    "汽车软件研发基地",
    "信息安全运营中心",
    "人工智能创新应用中心",
    "数据服务中心",
    "卫星互联网应用中心",
]
EVENT_NAMES = [
    (EventKind.FORUM, "软件和信息服务业高质量发展论坛", True),
    (EventKind.SIGNING, "“满天星”重大招商引资项目集中签约活动", True),
    (EventKind.CONTEST, "工业软件创新应用大赛", False),
    (EventKind.JOB_FAIR, "软件人才校企“双选”会", False),
    (EventKind.TRAINING, "“满天星”惠企政策宣讲会", False),
    (EventKind.FORUM, "人工智能产业发展论坛", True),
    (EventKind.EXPO, "智能产业博览会软件专区", True),
    (EventKind.FORUM, "网络信息安全论坛", False),
]
MANUAL_PROGRESS = {
    # (programme, target name): [(date, value, evidence)]
    ("001", "总收入同比增长"): [(date(2023, 12, 31), "21.30", "2023年全市软件和信息服务业运行监测报告")],
    ("001", "“揭榜挂帅”项目"): [
        (date(2023, 9, 30), "5", "第三批“揭榜挂帅”项目立项公示（渝经信软件函〔2023〕）")
    ],
    ("001", "市级优秀软件产品"): [
        (date(2023, 8, 31), "60", "市级优秀软件产品征集遴选第一批名单"),
        (date(2023, 12, 20), "96", "2023年市级优秀软件产品发布名单"),
    ],
    ("001", "软件领军人才"): [(date(2023, 11, 30), "10", "“重庆英才—软件领军人才”评选结果公示")],
    ("002", "营收年均增长"): [(date(2024, 12, 31), "27.60", "北碚区2024年软件和信息服务业运行分析")],
    ("002", "骨干企业研发投入强度"): [(date(2024, 12, 31), "12.80", "北碚区骨干软件企业研发投入统计表")],
    ("002", "市级及以上特色软件园"): [
        (date(2024, 6, 30), "1", "市级特色软件园认定文件（工业互联网产业生态园）")
    ],
    ("003", "软件研发人员占比"): [(date(2022, 12, 31), "41.50", "2022年软件从业人员结构统计")],
    ("003", "重点企业研发经费占业务收入比重"): [
        (date(2022, 12, 31), "13.90", "2022年重点软件企业研发经费统计")
    ],
}
NOTES = {
    WorkItemStatus.DONE: "已按期完成，相关材料已归档。",
    WorkItemStatus.IN_PROGRESS: "正在推进，已召开专题调度会，明确责任分工和时间节点。",
}


def _projects(regions: dict, today: date) -> int:
    created = 0
    for index in range(66):
        rng = random.Random(f"project-{index}")
        code = CENTRAL[index % len(CENTRAL)]
        investor = INVESTORS[rng.randrange(len(INVESTORS))]
        short = (
            investor.split("（")[0]
            .replace("股份有限公司", "")
            .replace("有限责任公司", "")
            .replace("有限公司", "")
        )
        name = f"{short}{PROJECT_KINDS[rng.randrange(len(PROJECT_KINDS))]}项目（{regions[code].name}）"
        if InvestmentProject.objects.filter(name=name, region=regions[code]).exists():
            continue
        signed = today - timedelta(days=rng.randint(20, 1000))
        landed = signed + timedelta(days=rng.randint(60, 300))
        stage = ProjectStage.LANDED if landed <= today and rng.random() < 0.75 else ProjectStage.SIGNED
        park = None
        if code == "500109":
            park = Region.objects.filter(parent=regions[code]).order_by("code")[index % 3]
        services.create_project(
            actor=None,
            name=name,
            investor=investor,
            region=regions[code],
            park=park,
            amount=Decimal(rng.choice([5000, 8000, 12000, 20000, 30000, 50000, 100000])),
            major=rng.random() < 0.45,
            stage=stage,
            signed_on=signed,
            landed_on=landed if stage == ProjectStage.LANDED else None,
        )
        created += 1
    return created


def _events(regions: dict, today: date) -> int:
    created = 0
    for index in range(40):
        rng = random.Random(f"event-{index}")
        kind, title, major = EVENT_NAMES[index % len(EVENT_NAMES)]
        held = today - timedelta(days=index * 18 + rng.randint(0, 10))
        city_level = index % 5 == 0
        region = None if city_level else regions[CENTRAL[rng.randrange(len(CENTRAL))]]
        name = f"{held.year}{'重庆' if city_level else region.name}{title}"
        if Event.objects.filter(name=name, held_on=held).exists():
            continue
        services.create_event(
            actor=None,
            name=name,
            kind=kind,
            region=region,
            held_on=held,
            organiser="市经济信息委" if city_level else f"{region.name}经济信息委",
            major=major or city_level,
            participants=rng.randint(80, 600),
        )
        created += 1
    return created


def _task_progress(today: date, city: User | None, officers: dict) -> int:
    """Notes on the programmes' numbered tasks: ended programmes mostly done, a few still running (overdue);
    running ones in progress."""
    created = 0
    for item in WorkItem.objects.filter(kind=WorkItemKind.TASK).select_related("programme").order_by("pk"):
        if item.notes.exists():
            continue
        rng = random.Random(f"task-{item.programme.code}-{item.number}")
        actor = officers.get(item.region_id) if item.region_id else city
        ended = item.due_date < today
        start = item.programme.period_start
        first = min(today, start + timedelta(days=rng.randint(60, 200)))
        services.add_work_item_note(
            actor=actor,
            work_item=item,
            note=NOTES[WorkItemStatus.IN_PROGRESS],
            status=WorkItemStatus.IN_PROGRESS,
            noted_on=first,
        )
        created += 1
        if ended and rng.random() < 0.8:
            done_on = item.due_date - timedelta(days=rng.randint(0, 60))
            services.add_work_item_note(
                actor=actor,
                work_item=item,
                note=NOTES[WorkItemStatus.DONE],
                status=WorkItemStatus.DONE,
                noted_on=max(done_on, first),
            )
            created += 1
    return created


ANNUAL_ITEMS = [
    ("开展中心城区软件和信息服务业发展评价", "市经济信息委", None, 1),
    ("发布年度“启明星”“北斗星”培育库名单", "市经济信息委", None, 3),
    ("组织第三批“满天星”示范楼宇评选", "市经济信息委，中心城区各区经济信息委", None, 5),
    ("完成存量楼宇台账年度核查", "中心城区各区经济信息委", "500103", 4),
    ("出台本区软件人才专项政策", "渝北区经济信息委", "500112", 6),
    ("建成园城双创空间3000平方米", "北碚区经济信息委，园城公司", "500109", 9),
    ("举办“满天星”季度招商推介活动", "北碚区经济信息委", "500109", 10),
    ("推动辖区规上企业纳入运行监测", "江北区经济信息委", "500105", 8),
    ("编制年度重点招商项目清单", "两江新区经信部门", "LJXQ", 2),
    ("开展软件企业服务专员走访", "九龙坡区经济信息委", "500107", 11),
]


def _annual_items(today: date, regions: dict, city: User | None, officers: dict) -> int:
    """This year's 年度工作事项 under the 启明星北斗星 programme (still running): due month by month, so by now
    some are done, some in progress and a few overdue."""
    programme = Programme.objects.get(code="000")
    created = 0
    for index, (title, units, code, month) in enumerate(ANNUAL_ITEMS, start=1):
        number = f"{today.year}-{index:02d}"
        if WorkItem.objects.filter(programme=programme, number=number).exists():
            continue
        region = regions.get(code) if code else None
        due = date(today.year, month, 28)
        item = services.create_work_item(
            actor=None,
            programme=programme,
            number=number,
            title=f"{today.year}年{title}",
            kind=WorkItemKind.ANNUAL,
            responsible_units=units,
            region=region,
            due_date=due,
        )
        created += 1
        actor = officers.get(region.pk) if region else city
        noted = min(today, due - timedelta(days=20))
        if noted < date(today.year, 1, 1) or noted > today:
            continue
        status = WorkItemStatus.DONE if index % 3 != 1 and due <= today else WorkItemStatus.IN_PROGRESS
        if index in (4, 7):  # a district still working past its deadline
            status = WorkItemStatus.IN_PROGRESS
        services.add_work_item_note(
            actor=actor, work_item=item, note=NOTES[status], status=status, noted_on=noted
        )
    return created


def _manual_progress(today: date, city: User | None) -> int:
    created = 0
    for (code, name), entries in MANUAL_PROGRESS.items():
        target = Target.objects.filter(programme__code=code, name=name).select_related("programme").first()
        if target is None or target.entries.exists():
            continue
        for reported_on, value, evidence in entries:
            if reported_on > today:
                continue
            services.record_progress(
                actor=city, target=target, reported_on=reported_on, value=value, evidence=evidence
            )
            created += 1
    return created


def seed(*, password: str, today) -> str:
    regions = {r.code: r for r in Region.objects.filter(code__in=CENTRAL)}
    city = User.objects.filter(username="city").first()
    officers = {
        u.region_id: u for u in User.objects.filter(role="district", username__startswith="district-")
    }
    projects = _projects(regions, today)
    events = _events(regions, today)
    notes = _task_progress(today, city, officers)
    items = _annual_items(today, regions, city, officers)
    entries = _manual_progress(today, city)
    return f"招商项目 {projects} 个，活动 {events} 场，事项进展 {notes} 条，年度事项 {items} 项，目标进展 {entries} 条"
