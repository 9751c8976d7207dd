"""Every write of the programmes app: the API, the pages and seed_demo all come through here.

Keyword-only, the acting user as ``actor`` (``None`` = the system), Chinese ``ValidationError`` keyed by
field, ``_history_user`` for the history. City staff manage programmes, targets and manual progress; district
officers update the work items, investment projects and events of their own region (another region's are not
found for them: the views answer 404 before a service is reached, and the services refuse them anyway).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.choices import RegionKind, Role
from portal.models import Region, User

from .choices import Comparison, EventKind, ProjectStage, Unit, WorkItemKind, WorkItemStatus
from .metrics import METRICS
from .models import MANUAL, Event, InvestmentProject, Programme, ProgressEntry, Target, WorkItem, WorkItemNote

CITY_ONLY = "只有市经济信息委可以维护政策文件、目标和目标进展。"


def _today() -> date:
    return timezone.localdate()


def _require_city(actor: User | None, message: str = CITY_ONLY) -> None:
    if actor is not None and actor.role != Role.CITY:
        raise PermissionDenied(message)


def _check_region_remit(actor: User | None, region: Region | None, what: str) -> None:
    """City staff act for any region; a district officer for its own region only; nobody else."""
    if actor is None or actor.role == Role.CITY:
        return
    if actor.role != Role.DISTRICT:
        raise PermissionDenied(f"您的角色无权维护{what}。")
    if region is None or region.pk != actor.region_id:
        raise ValidationError({"region": f"区县用户只能维护本区域的{what}。"})


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"{label}必须是数字。"}) from None
    if number < 0:
        raise ValidationError({field: f"{label}不能为负数，收到 {number}。"})
    return number


def _save(instance, actor):
    instance._history_user = actor
    instance.save()
    return instance


# --- Programmes -------------------------------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "code",
    "doc_number",
    "title",
    "short_name",
    "issuer",
    "issued_on",
    "period_start",
    "period_end",
    "region",
    "text_file",
    "source_url",
    "summary",
    "published",
)


def _clean_programme(programme: Programme, exclude_pk=None) -> None:
    errors = {}
    for field, label in (("code", "编号"), ("title", "标题"), ("short_name", "简称"), ("issuer", "发文机关")):
        if not (getattr(programme, field) or "").strip():
            errors[field] = f"请填写{label}。"
    if programme.period_start and programme.period_end and programme.period_end < programme.period_start:
        errors["period_end"] = "实施期止不能早于实施期起。"
    if programme.region_id and programme.region.kind == RegionKind.PARK:
        errors["region"] = "适用区域须是区县或开发区。"
    if programme.code and Programme.objects.filter(code=programme.code).exclude(pk=exclude_pk).exists():
        errors["code"] = f"编号“{programme.code}”已被使用。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_programme(*, actor: User | None, **fields) -> Programme:
    _require_city(actor)
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    programme = Programme(**fields)
    _clean_programme(programme)
    return _save(programme, actor)


@transaction.atomic
def update_programme(*, actor: User | None, programme: Programme, **changes) -> Programme:
    _require_city(actor)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in changes.items():
        if name not in PROGRAMME_FIELDS:
            raise TypeError(f"unknown programme field: {name}")
        setattr(programme, name, value)
    _clean_programme(programme, exclude_pk=programme.pk)
    return _save(programme, actor)


# --- Targets ----------------------------------------------------------------------------------------------

TARGET_FIELDS = ("name", "metric", "unit", "year", "region", "comparison", "target_value", "note", "order")


def _clean_target(target: Target, exclude_pk=None) -> None:
    errors = {}
    if not (target.name or "").strip():
        errors["name"] = "请填写目标名称。"
    if not target.metric:
        errors["metric"] = "目标必须有实时计算的指标，或设为人工填报进度。"
    elif target.metric != MANUAL and target.metric not in METRICS:
        errors["metric"] = f"未知的指标“{target.metric}”。"
    if target.unit not in Unit.values:
        errors["unit"] = "请选择单位。"
    if target.comparison not in Comparison.values:
        errors["comparison"] = "比较方式须为 ≥ 或 >。"
    programme = target.programme
    if target.year and not programme.period_start.year <= target.year <= programme.period_end.year:
        errors["year"] = (
            f"目标年度须在文件实施期（{programme.period_start.year}—{programme.period_end.year}年）之内。"
        )
    if target.region_id and target.region.kind == RegionKind.PARK:
        errors["region"] = "目标范围须是全市、区县或开发区。"
    if programme.region_id and target.region_id != programme.region_id:
        errors["region"] = f"{programme.region.name}方案的目标范围只能是{programme.region.name}。"
    duplicate = Target.objects.filter(
        programme=programme, name=target.name, year=target.year, region=target.region_id
    ).exclude(pk=exclude_pk)
    if target.name and duplicate.exists():
        errors["name"] = "该文件已有同名、同年度、同范围的目标。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_target(
    *, actor: User | None, programme: Programme, target_value, metric: str = "", **fields
) -> Target:
    """Add a target to a programme: a live metric or manual progress, a non-negative value."""
    _require_city(actor)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    value = _decimal(target_value, "target_value", "目标值")
    target = Target(programme=programme, metric=metric or "", target_value=value, **fields)
    _clean_target(target)
    return _save(target, actor)


@transaction.atomic
def update_target(*, actor: User | None, target: Target, **changes) -> Target:
    _require_city(actor)
    target = Target.objects.select_for_update().select_related("programme").get(pk=target.pk)
    for name, value in changes.items():
        if name not in TARGET_FIELDS:
            raise TypeError(f"unknown target field: {name}")
        if name == "target_value":
            value = _decimal(value, "target_value", "目标值")
        setattr(target, name, value)
    _clean_target(target, exclude_pk=target.pk)
    return _save(target, actor)


@transaction.atomic
def record_progress(
    *, actor: User | None, target: Target, reported_on: date, value, evidence: str
) -> ProgressEntry:
    """A manual progress figure (cumulative value reached on ``reported_on``) with its evidence."""
    _require_city(actor)
    errors = {}
    if not target.is_manual:
        errors["target"] = "该目标由实时数据计算进度，不能人工填报。"
    try:
        number = _decimal(value, "value", "完成值")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        number = None
    programme = target.programme
    if reported_on is None:
        errors["reported_on"] = "请填写进展日期。"
    elif not programme.period_start <= reported_on <= programme.period_end:
        errors["reported_on"] = (
            f"进展日期须在文件实施期内（{programme.period_start:%Y-%m-%d} 至 {programme.period_end:%Y-%m-%d}），"
            f"收到 {reported_on:%Y-%m-%d}。"
        )
    elif reported_on > _today():
        errors["reported_on"] = "进展日期不能晚于今天。"
    if not (evidence or "").strip():
        errors["evidence"] = "请填写证明材料（文件名、文号或链接）。"
    if errors:
        raise ValidationError(errors)
    entry = ProgressEntry(
        target=target, reported_on=reported_on, value=number, evidence=evidence.strip(), entered_by=actor
    )
    return _save(entry, actor)


# --- Work items -------------------------------------------------------------------------------------------

WORK_ITEM_FIELDS = ("number", "title", "description", "kind", "responsible_units", "region", "due_date")


@transaction.atomic
def create_work_item(*, actor: User | None, programme: Programme, **fields) -> WorkItem:
    """City staff add work items to any programme (a district's own list too)."""
    _require_city(actor, "只有市经济信息委可以新增工作事项。")
    unknown = set(fields) - set(WORK_ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown work item fields: {sorted(unknown)}")
    item = WorkItem(programme=programme, **fields)
    errors = {}
    if not (item.title or "").strip():
        errors["title"] = "请填写事项名称。"
    if not (item.responsible_units or "").strip():
        errors["responsible_units"] = "请填写责任单位。"
    if item.kind not in WorkItemKind.values:
        errors["kind"] = "请选择事项类型。"
    if item.due_date is None:
        errors["due_date"] = "请填写完成时限。"
    if WorkItem.objects.filter(programme=programme, number=item.number).exists():
        errors["number"] = f"该文件已有序号为“{item.number}”的事项。"
    if errors:
        raise ValidationError(errors)
    return _save(item, actor)


def _check_work_item_remit(actor: User | None, item: WorkItem) -> None:
    if actor is None or actor.role == Role.CITY:
        return
    if actor.role == Role.DISTRICT and item.region_id is None:
        raise PermissionDenied("市级工作事项由市经济信息委更新。")
    _check_region_remit(actor, item.region, "工作事项")


@transaction.atomic
def add_work_item_note(
    *,
    actor: User | None,
    work_item: WorkItem,
    note: str,
    status: str | None = None,
    noted_on: date | None = None,
) -> WorkItemNote:
    """A dated progress note; it may move the item to another status (done sets its completion date)."""
    _check_work_item_remit(actor, work_item)
    item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    noted_on = noted_on or _today()
    status = status or item.status
    errors = {}
    if not (note or "").strip():
        errors["note"] = "请填写进展情况。"
    if status not in WorkItemStatus.values:
        errors["status"] = "请选择事项状态。"
    if noted_on > _today():
        errors["noted_on"] = "进展日期不能晚于今天。"
    latest = item.notes.order_by("-noted_on").values_list("noted_on", flat=True).first()
    if latest and noted_on < latest:
        errors["noted_on"] = f"进展日期不能早于上一条进展（{latest:%Y-%m-%d}）。"
    if errors:
        raise ValidationError(errors)
    item.status = status
    if status == WorkItemStatus.DONE:
        item.completed_on = item.completed_on or noted_on
    else:
        item.completed_on = None
    _save(item, actor)
    entry = WorkItemNote(work_item=item, noted_on=noted_on, note=note.strip(), status=status, author=actor)
    return _save(entry, actor)


@transaction.atomic
def update_work_item(*, actor: User | None, work_item: WorkItem, **changes) -> WorkItem:
    """Change a work item's terms (city staff), or its status (its region's officers too, through a note)."""
    status = changes.pop("status", None)
    if changes:
        _require_city(actor, "只有市经济信息委可以修改工作事项的内容和时限。")
    else:
        _check_work_item_remit(actor, work_item)
    item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    for name, value in changes.items():
        if name not in WORK_ITEM_FIELDS:
            raise TypeError(f"unknown work item field: {name}")
        setattr(item, name, value)
    _save(item, actor)
    if status is not None and status != item.status:
        add_work_item_note(
            actor=actor, work_item=item, note=f"状态更新为“{WorkItemStatus(status).label}”。", status=status
        )
        item.refresh_from_db()
    return item


# --- Investment projects ----------------------------------------------------------------------------------

PROJECT_FIELDS = (
    "name",
    "investor",
    "region",
    "park",
    "amount",
    "major",
    "stage",
    "signed_on",
    "landed_on",
    "note",
)


def _clean_project(project: InvestmentProject) -> None:
    errors = {}
    if not (project.name or "").strip():
        errors["name"] = "请填写项目名称。"
    if not (project.investor or "").strip():
        errors["investor"] = "请填写投资方。"
    if project.region_id is None:
        errors["region"] = "请选择所属区域。"
    elif project.region.kind == RegionKind.PARK:
        errors["region"] = "所属区域须是区县或开发区；园区请填写在“所属园区”。"
    elif project.park_id and project.park.parent_id != project.region_id:
        errors["park"] = f"“{project.park.name}”不是{project.region.name}下属的园区。"
    if project.stage not in ProjectStage.values:
        errors["stage"] = "请选择项目阶段。"
    if project.signed_on is None:
        errors["signed_on"] = "请填写签约日期。"
    elif project.signed_on > _today():
        errors["signed_on"] = "签约日期不能晚于今天。"
    if project.stage == ProjectStage.LANDED:
        if project.landed_on is None:
            errors["landed_on"] = "已落地的项目请填写落地日期。"
        elif project.landed_on > _today():
            errors["landed_on"] = "落地日期不能晚于今天。"
        elif project.signed_on and project.landed_on < project.signed_on:
            errors["landed_on"] = "落地日期不能早于签约日期。"
    elif project.landed_on is not None:
        errors["landed_on"] = "未落地的项目不能填写落地日期。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_project(*, actor: User | None, region: Region | None, amount, **fields) -> InvestmentProject:
    """Register a project in the 重点招商项目库: district officers in their own region only."""
    _check_region_remit(actor, region, "招商项目")
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    project = InvestmentProject(region=region, amount=_decimal(amount, "amount", "投资额"), **fields)
    _clean_project(project)
    return _save(project, actor)


@transaction.atomic
def update_project(*, actor: User | None, project: InvestmentProject, **changes) -> InvestmentProject:
    _check_region_remit(actor, project.region, "招商项目")
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    for name, value in changes.items():
        if name not in PROJECT_FIELDS:
            raise TypeError(f"unknown project field: {name}")
        if name == "amount":
            value = _decimal(value, "amount", "投资额")
        setattr(project, name, value)
    if "region" in changes:
        _check_region_remit(actor, project.region, "招商项目")
    _clean_project(project)
    return _save(project, actor)


# --- Events -----------------------------------------------------------------------------------------------

EVENT_FIELDS = ("name", "kind", "region", "held_on", "organiser", "major", "participants", "note")


def _check_event_remit(actor: User | None, region: Region | None) -> None:
    if region is None:
        _require_city(actor, "市级活动由市经济信息委登记。")
    else:
        _check_region_remit(actor, region, "活动")


def _clean_event(event: Event) -> None:
    errors = {}
    if not (event.name or "").strip():
        errors["name"] = "请填写活动名称。"
    if event.kind not in EventKind.values:
        errors["kind"] = "请选择活动类型。"
    if event.held_on is None:
        errors["held_on"] = "请填写举办日期。"
    if event.region_id and event.region.kind == RegionKind.PARK:
        errors["region"] = "举办区域须是区县或开发区。"
    if event.participants is not None and event.participants < 0:
        errors["participants"] = "参加人数不能为负数。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_event(*, actor: User | None, region: Region | None = None, **fields) -> Event:
    """Record an event: district officers for their own region; city staff for any, or city-level ones."""
    _check_event_remit(actor, region)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    event = Event(region=region, **fields)
    _clean_event(event)
    return _save(event, actor)


@transaction.atomic
def update_event(*, actor: User | None, event: Event, **changes) -> Event:
    _check_event_remit(actor, event.region)
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in changes.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"unknown event field: {name}")
        setattr(event, name, value)
    _check_event_remit(actor, event.region)
    _clean_event(event)
    return _save(event, actor)
