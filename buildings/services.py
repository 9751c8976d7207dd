"""Every write to the building ledger goes through here: the API, the pages and seed_demo alike.

Functions are keyword-only, take the acting user as ``actor`` (``None`` = the system), refuse bad input
with Chinese ``ValidationError`` messages keyed by field, and set ``_history_user`` for the history. Each
write also invalidates the cached public 示范楼宇 list (``selectors.invalidate_public``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enterprises.choices import SupportKind
from portal.choices import RegionKind, Role
from portal.exceptions import TransitionNotAllowed
from portal.models import Region
from portal.signals import accepted_data_changed

from . import selectors
from .choices import RenovationStatus, TurnkeyItem, batch_label
from .models import ZERO, AcquisitionChange, Building, Designation, Occupancy, RenovationChange

_UNSET = object()
NOT_FOUND = "楼宇不存在或不在您管辖的区域内。"
STALE = "该楼宇已被他人修改，请刷新后重试。"


class StaleBuilding(TransitionNotAllowed):
    """The building changed since the caller read it: its edit is refused (412 on the API, where the
    version travels in ``If-Match``; 409 elsewhere) and nothing is written."""

    def __init__(self, message: str = STALE):
        super().__init__(message)


def fmt_area(value) -> str:
    """Areas in messages: two places and the ㎡ sign, e.g. ``5000.00㎡``."""
    return f"{Decimal(value).quantize(Decimal('0.01'))}㎡"


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"{label}必须是数字。"}) from None
    return number


def _today() -> date:
    return timezone.localdate()


# --- who may do what ---------------------------------------------------------------------------------


def _check_may_edit(*, actor, region: Region | None) -> None:
    """City staff edit every region's ledger, a district officer its own region's; nobody else."""
    if actor is None or actor.role == Role.CITY:
        return
    if actor.role == Role.DISTRICT:
        if region is not None and region.pk != actor.region_id:
            raise ValidationError({"region": "区县用户只能维护本区域的楼宇台账。"})
        return
    raise PermissionDenied("您的角色无权维护楼宇台账。")


def _check_city(actor) -> None:
    if actor is not None and actor.role != Role.CITY:
        raise PermissionDenied("只有市经济信息委可以授牌或撤销示范楼宇。")


# --- the ledger --------------------------------------------------------------------------------------


def _check_building(
    *,
    name: str,
    region: Region | None,
    park: Region | None,
    gross_area: Decimal,
    acquired_area: Decimal,
    letting_area: Decimal,
    incubation_area: Decimal,
    acquired_on: date | None,
    turnkey_checklist: list,
    support_types: list,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not name:
        add("name", "请填写楼宇名称。")
    if region is None:
        add("region", "请选择所属区域。")
    elif region.kind == RegionKind.PARK:
        add("region", "所属区域须是区县或开发区；园区请填写在“所属园区”。")
    if (
        park is not None
        and region is not None
        and (park.kind != RegionKind.PARK or park.parent_id != region.pk)
    ):
        add("park", f"“{park.name}”不是{region.name}下属的园区。")
    for field, label, value in (
        ("gross_area", "建筑面积", gross_area),
        ("acquired_area", "收储面积", acquired_area),
        ("letting_area", "可招商面积", letting_area),
    ):
        if value <= 0:
            add(field, f"{label}必须大于 0，收到 {fmt_area(value)}。")
    if incubation_area < 0:
        add("incubation_area", f"双创空间面积不能为负数，收到 {fmt_area(incubation_area)}。")
    if gross_area > 0:
        for field, label, value in (
            ("acquired_area", "收储面积", acquired_area),
            ("letting_area", "可招商面积", letting_area),
            ("incubation_area", "双创空间面积", incubation_area),
        ):
            if value > gross_area:
                add(field, f"{label} {fmt_area(value)} 不能大于建筑面积 {fmt_area(gross_area)}。")
    if acquired_on is None:
        add("acquired_on", "请填写收储日期。")
    elif acquired_on > _today():
        add("acquired_on", "收储日期不能晚于今天。")
    unknown = set(turnkey_checklist) - set(TurnkeyItem.values)
    if unknown:
        add("turnkey_checklist", f"未知的“拎包入住”条件：{'、'.join(sorted(unknown))}。")
    unknown = set(support_types) - set(SupportKind.values)
    if unknown:
        add("support_types", f"未知的支持政策类型：{'、'.join(sorted(unknown))}。")
    if name and region is not None:
        clash = Building.objects.filter(region=region, name=name)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            add("name", f"{region.name}已有名为“{name}”的楼宇。")
    if errors:
        raise ValidationError(errors)


def _ordered(values: Iterable[str], choices) -> list[str]:
    wanted = set(values or [])
    return [value for value in choices.values if value in wanted]


@transaction.atomic
def create_building(
    *,
    actor,
    name: str,
    region: Region,
    address: str,
    owner: str,
    gross_area,
    acquired_area,
    acquired_on: date,
    letting_area,
    park: Region | None = None,
    operator: str = "",
    incubation_area=ZERO,
    renovation_status: str = RenovationStatus.NOT_STARTED,
    renovation_on: date | None = None,
    turnkey_checklist: Iterable[str] = (),
    policy_text: str = "",
    support_types: Iterable[str] = (),
    contact_name: str = "",
    contact_phone: str = "",
    notes: str = "",
) -> Building:
    """Enter a building in its region's ledger, with its first dated acquisition (and renovation status)."""
    _check_may_edit(actor=actor, region=region)
    name = (name or "").strip()
    gross_area = _decimal(gross_area, "gross_area", "建筑面积")
    acquired_area = _decimal(acquired_area, "acquired_area", "收储面积")
    letting_area = _decimal(letting_area, "letting_area", "可招商面积")
    incubation_area = _decimal(incubation_area or 0, "incubation_area", "双创空间面积")
    turnkey_checklist = list(turnkey_checklist or [])
    support_types = list(support_types or [])
    _check_building(
        name=name,
        region=region,
        park=park,
        gross_area=gross_area,
        acquired_area=acquired_area,
        letting_area=letting_area,
        incubation_area=incubation_area,
        acquired_on=acquired_on,
        turnkey_checklist=turnkey_checklist,
        support_types=support_types,
    )
    _check_renovation(status=renovation_status, on=renovation_on)
    turnkey = _ordered(turnkey_checklist, TurnkeyItem)
    building = Building(
        name=name,
        region=region,
        park=park,
        address=address.strip(),
        owner=owner.strip(),
        operator=(operator or "").strip(),
        gross_area=gross_area,
        acquired_area=acquired_area,
        acquired_on=acquired_on,
        letting_area=letting_area,
        incubation_area=incubation_area,
        renovation_status=renovation_status,
        renovation_on=renovation_on or acquired_on,
        turnkey_checklist=turnkey,
        turnkey_ready=len(turnkey) == len(TurnkeyItem.values),
        policy_text=policy_text or "",
        support_types=_ordered(support_types, SupportKind),
        contact_name=contact_name or "",
        contact_phone=contact_phone or "",
        notes=notes or "",
    )
    _save(building, actor)
    _save(
        AcquisitionChange(
            building=building,
            changed_on=acquired_on,
            area_added=acquired_area,
            acquired_area=acquired_area,
            note="首次收储",
        ),
        actor,
    )
    _save(
        RenovationChange(building=building, changed_on=building.renovation_on, status=renovation_status),
        actor,
    )
    _data_changed(building, acquired_on)
    return building


def _check_renovation(*, status: str, on: date | None) -> None:
    if status not in RenovationStatus.values:
        raise ValidationError({"renovation_status": "改造状态无效。"})
    if on is not None and on > _today():
        raise ValidationError({"renovation_on": "改造状态日期不能晚于今天。"})


@transaction.atomic
def update_building(*, actor, building: Building, expected_version: int | None = None, **changes) -> Building:
    """Change a building. A change of acquired area becomes a dated ``AcquisitionChange`` (dated
    ``acquired_on`` if given, else today); ``acquired_on`` alone corrects the date of the latest change. A
    change of renovation status becomes a dated ``RenovationChange`` (``renovation_on`` or today). The
    letting area may not drop below the area occupied now or later.

    Every update adds one to ``version``. With ``expected_version`` (the version the editor read) an edit
    of a building changed since is refused with ``StaleBuilding``: the row is locked before the versions are
    compared, so of two editors who read the same version exactly one succeeds."""
    building = Building.objects.select_for_update().get(pk=building.pk)
    _check_may_edit(actor=actor, region=building.region)
    if expected_version is not None and building.version != expected_version:
        raise StaleBuilding()
    # An empty change date means "today" (or "no date correction"), never "no date".
    changes = {k: v for k, v in changes.items() if not (k in {"acquired_on", "renovation_on"} and v is None)}
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "该字段不能修改。"))
    region = changes.get("region", building.region)
    _check_may_edit(actor=actor, region=region)

    values = {field: getattr(building, field) for field in EDITABLE}
    values.update(changes)
    values["name"] = (values["name"] or "").strip()
    for field, label in AREA_LABELS.items():
        values[field] = _decimal(values[field] if values[field] is not None else 0, field, label)
    values["turnkey_checklist"] = list(values["turnkey_checklist"] or [])
    values["support_types"] = list(values["support_types"] or [])
    area_changed = values["acquired_area"] != building.acquired_area
    if area_changed and changes.get("acquired_on") is None:
        values["acquired_on"] = _today()
    _check_building(
        name=values["name"],
        region=region,
        park=values["park"],
        gross_area=values["gross_area"],
        acquired_area=values["acquired_area"],
        letting_area=values["letting_area"],
        incubation_area=values["incubation_area"],
        acquired_on=values["acquired_on"],
        turnkey_checklist=values["turnkey_checklist"],
        support_types=values["support_types"],
        exclude_pk=building.pk,
    )
    _check_renovation(status=values["renovation_status"], on=changes.get("renovation_on"))

    if values["letting_area"] < building.letting_area:
        peak = _peak_use(building=building, start=_today(), end=None, exclude_pk=None)
        if peak > values["letting_area"]:
            raise ValidationError(
                {
                    "letting_area": f"可招商面积 {fmt_area(values['letting_area'])} 小于楼宇已登记的使用面积 "
                    f"{fmt_area(peak)}，请先调整入驻记录。"
                }
            )

    latest = building.acquisitions.order_by("-changed_on", "-pk").first()
    if area_changed:
        if latest and values["acquired_on"] < latest.changed_on:
            raise ValidationError(
                {"acquired_on": f"收储面积变更日期不能早于上一次变更（{latest.changed_on:%Y-%m-%d}）。"}
            )
        _save(
            AcquisitionChange(
                building=building,
                changed_on=values["acquired_on"],
                area_added=values["acquired_area"] - building.acquired_area,
                acquired_area=values["acquired_area"],
                note="收储面积变更",
            ),
            actor,
        )
    elif values["acquired_on"] != building.acquired_on and latest is not None:
        # The area stays: the officer corrects the date of the latest acquisition change.
        previous = building.acquisitions.exclude(pk=latest.pk).order_by("-changed_on", "-pk").first()
        if previous and values["acquired_on"] < previous.changed_on:
            raise ValidationError(
                {"acquired_on": f"收储日期不能早于上一次收储变更（{previous.changed_on:%Y-%m-%d}）。"}
            )
        latest.changed_on = values["acquired_on"]
        _save(latest, actor)

    renovation_on = changes.get("renovation_on")
    if values["renovation_status"] != building.renovation_status:
        values["renovation_on"] = renovation_on or _today()
        _save(
            RenovationChange(
                building=building, changed_on=values["renovation_on"], status=values["renovation_status"]
            ),
            actor,
        )
    elif renovation_on is not None and renovation_on != building.renovation_on:
        # The status stays: the officer corrects the date of the latest renovation change.
        latest_renovation = building.renovations.order_by("-changed_on", "-pk").first()
        if latest_renovation is not None:
            latest_renovation.changed_on = renovation_on
            _save(latest_renovation, actor)

    for field in EDITABLE:
        setattr(building, field, values[field])
    building.region = region
    building.turnkey_checklist = _ordered(values["turnkey_checklist"], TurnkeyItem)
    building.turnkey_ready = len(building.turnkey_checklist) == len(TurnkeyItem.values)
    building.support_types = _ordered(values["support_types"], SupportKind)
    building.version += 1
    _save(building, actor)
    _data_changed(building, building.acquired_on, _today())
    return building


AREA_LABELS = {
    "gross_area": "建筑面积",
    "acquired_area": "收储面积",
    "letting_area": "可招商面积",
    "incubation_area": "双创空间面积",
}
EDITABLE = {
    "name",
    "region",
    "park",
    "address",
    "owner",
    "operator",
    "gross_area",
    "acquired_area",
    "acquired_on",
    "letting_area",
    "incubation_area",
    "renovation_status",
    "renovation_on",
    "turnkey_checklist",
    "policy_text",
    "support_types",
    "contact_name",
    "contact_phone",
    "notes",
}


def _data_changed(building: Building, *days) -> None:
    """A building's areas or occupancies changed: refresh the public list and tell listeners (evaluation
    recomputes the schemes whose period covers one of the days)."""
    selectors.invalidate_public()
    region_ids = [building.region_id] + ([building.park_id] if building.park_id else [])
    for day in {d for d in days if d is not None}:
        transaction.on_commit(
            lambda day=day: accepted_data_changed.send(sender=Building, region_ids=region_ids, day=day)
        )


def _save(instance, actor) -> None:
    instance._history_user = actor
    instance.save()


# --- occupancy ---------------------------------------------------------------------------------------


def _overlapping(*, building: Building, start: date, end: date | None, exclude_pk: int | None):
    rows = Occupancy.objects.filter(building=building)
    if end is not None:
        rows = rows.filter(start_date__lte=end)
    rows = rows.exclude(end_date__lt=start)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.select_related("enterprise"))


def _peak_use(
    *, building: Building, start: date, end: date | None, exclude_pk: int | None, extra: Decimal = ZERO
) -> Decimal:
    """The largest area occupied on any day from ``start`` to ``end`` (open-ended when None), with
    ``extra`` added for the whole span. Occupied area only rises on a start date, so the peak falls on
    ``start`` or on the start date of one of the overlapping occupancies."""
    rows = _overlapping(building=building, start=start, end=end, exclude_pk=exclude_pk)
    points = {start} | {row.start_date for row in rows if row.start_date > start}
    return max(extra + sum((row.area for row in rows if row.is_active_on(day)), ZERO) for day in points)


def _check_occupancy(
    *,
    building: Building,
    enterprise,
    area: Decimal,
    start_date: date | None,
    end_date: date | None,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if area <= 0:
        errors["area"] = [f"使用面积必须大于 0，收到 {fmt_area(area)}。"]
    if start_date is None:
        errors["start_date"] = ["请填写入驻日期。"]
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = [f"迁出日期 {end_date:%Y-%m-%d} 不能早于入驻日期 {start_date:%Y-%m-%d}。"]
    if errors:
        raise ValidationError(errors)
    same = [
        row
        for row in _overlapping(building=building, start=start_date, end=end_date, exclude_pk=exclude_pk)
        if row.enterprise_id == enterprise.pk
    ]
    if same:
        row = same[0]
        until = f"{row.end_date:%Y-%m-%d}" if row.end_date else "今"
        raise ValidationError(
            {
                "start_date": f"“{enterprise.name}”在本楼宇已有 {row.start_date:%Y-%m-%d} 至 {until} 的入驻记录，"
                "同一企业在同一楼宇的入驻时间不能重叠。"
            }
        )
    peak = _peak_use(building=building, start=start_date, end=end_date, exclude_pk=exclude_pk, extra=area)
    if peak > building.letting_area:
        raise ValidationError(
            {
                "area": f"登记后楼宇使用面积将达 {fmt_area(peak)}，超过可招商面积 {fmt_area(building.letting_area)}"
                f"（本次 {fmt_area(area)}）。"
            }
        )


def _check_enterprise(*, actor, enterprise) -> None:
    if actor is not None and actor.role == Role.DISTRICT and enterprise.region_id != actor.region_id:
        raise ValidationError({"enterprise": "企业不存在或不在您管辖的区域内。"})


@transaction.atomic
def create_occupancy(
    *, actor, building: Building, enterprise, area, start_date: date, end_date: date | None = None
) -> Occupancy:
    """Record that an enterprise occupies part of a building. The building row is locked while its
    capacity is checked, so two concurrent entries cannot together exceed the letting area."""
    building = Building.objects.select_for_update().get(pk=building.pk)
    _check_may_edit(actor=actor, region=building.region)
    _check_enterprise(actor=actor, enterprise=enterprise)
    area = _decimal(area, "area", "使用面积")
    _check_occupancy(
        building=building, enterprise=enterprise, area=area, start_date=start_date, end_date=end_date
    )
    occupancy = Occupancy(
        building=building, enterprise=enterprise, area=area, start_date=start_date, end_date=end_date
    )
    _save(occupancy, actor)
    _data_changed(building, start_date, end_date)
    return occupancy


@transaction.atomic
def update_occupancy(
    *,
    actor,
    occupancy: Occupancy,
    area=_UNSET,
    start_date=_UNSET,
    end_date=_UNSET,
    building=_UNSET,
    enterprise=_UNSET,
) -> Occupancy:
    """Change an occupancy's area or dates (e.g. record the move-out). Its building and enterprise stay:
    a move is the end of one occupancy and the start of another."""
    building_row = Building.objects.select_for_update().get(pk=occupancy.building_id)
    occupancy = Occupancy.objects.select_related("enterprise").get(pk=occupancy.pk)
    _check_may_edit(actor=actor, region=building_row.region)
    if building is not _UNSET and building.pk != occupancy.building_id:
        raise ValidationError({"building": "入驻记录的楼宇不能修改；请结束本记录后另行登记。"})
    if enterprise is not _UNSET and enterprise.pk != occupancy.enterprise_id:
        raise ValidationError({"enterprise": "入驻记录的企业不能修改；请结束本记录后另行登记。"})
    new_area = occupancy.area if area is _UNSET else _decimal(area, "area", "使用面积")
    new_start = occupancy.start_date if start_date is _UNSET else start_date
    new_end = occupancy.end_date if end_date is _UNSET else end_date
    _check_occupancy(
        building=building_row,
        enterprise=occupancy.enterprise,
        area=new_area,
        start_date=new_start,
        end_date=new_end,
        exclude_pk=occupancy.pk,
    )
    days = (occupancy.start_date, occupancy.end_date, new_start, new_end)
    occupancy.area, occupancy.start_date, occupancy.end_date = new_area, new_start, new_end
    _save(occupancy, actor)
    _data_changed(building_row, *days)
    return occupancy


# --- 示范楼宇 ----------------------------------------------------------------------------------------


@transaction.atomic
def designate_building(
    *, actor, building: Building, batch: int, designated_on: date | None = None
) -> Designation:
    """City staff designate a building 示范楼宇 in a numbered batch. Once per batch; a building that is
    already a current 示范楼宇 must be revoked first (409)."""
    _check_city(actor)
    building = Building.objects.select_for_update().get(pk=building.pk)
    designated_on = designated_on or _today()
    if batch is None or int(batch) < 1:
        raise ValidationError({"batch": "批次须为从 1 开始的整数。"})
    batch = int(batch)
    if designated_on > _today():
        raise ValidationError({"designated_on": "授牌日期不能晚于今天。"})
    if Designation.objects.filter(building=building, batch=batch).exists():
        raise ValidationError(
            {"batch": f"“{building.name}”已在{batch_label(batch)}中授牌，不能在同一批次重复授牌。"}
        )
    current = Designation.objects.filter(building=building, revoked_on__isnull=True).first()
    if current is not None:
        raise TransitionNotAllowed(
            f"“{building.name}”已是{current.batch_label}示范楼宇，须先撤销才能再次授牌。"
        )
    designation = Designation(
        building=building, batch=batch, designated_on=designated_on, designated_by=actor
    )
    _save(designation, actor)
    selectors.invalidate_public()
    return designation


@transaction.atomic
def revoke_designation(
    *, actor, building: Building, reason: str, revoked_on: date | None = None
) -> Designation:
    """City staff revoke a building's current 示范楼宇 designation, with a reason."""
    _check_city(actor)
    building = Building.objects.select_for_update().get(pk=building.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销原因。"})
    current = Designation.objects.filter(building=building, revoked_on__isnull=True).first()
    if current is None:
        raise TransitionNotAllowed(f"“{building.name}”当前不是示范楼宇，无法撤销。")
    revoked_on = revoked_on or _today()
    if revoked_on > _today():
        raise ValidationError({"revoked_on": "撤销日期不能晚于今天。"})
    if revoked_on < current.designated_on:
        raise ValidationError(
            {"revoked_on": f"撤销日期不能早于授牌日期（{current.designated_on:%Y-%m-%d}）。"}
        )
    current.revoked_on = revoked_on
    current.revoke_reason = reason
    current.revoked_by = actor
    _save(current, actor)
    selectors.invalidate_public()
    return current
