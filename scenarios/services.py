"""Every write of the scenarios app: the API, the pages and seed_demo all come through here.

Lifecycle (SPEC §6): 征集 collected → 发布 published (into a 清单) → 定榜 awarded → 实施 in_progress → 落地
delivered, or 终止 withdrawn from any state before delivery. Enterprises apply (揭榜) while a scenario is
published, up to its deadline. Each step locks the scenario row, checks the state it starts from (409
otherwise) and is recorded as a ``ScenarioTransition``.

Who manages a scenario: a district-level one, its region's officers; a city-level one, city staff. Nobody
else acts on it (403), and another region's officer does not find it for a write at all (404 in views).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portal.choices import RegionKind, Role
from portal.exceptions import TransitionNotAllowed
from portal.models import Region, User

from .choices import ApplicationStatus, Level, ScenarioStatus
from .models import Scenario, ScenarioApplication, ScenarioList, ScenarioSettings, ScenarioTransition

EDITABLE_FIELDS = (
    "title",
    "region",
    "domain",
    "owner_type",
    "owner_unit",
    "scope",
    "funding_amount",
    "funding_source",
    "deadline",
)
ZERO = Decimal("0.00")
# Every state before delivery may be withdrawn (终止).
WITHDRAWABLE = (
    ScenarioStatus.COLLECTED,
    ScenarioStatus.PUBLISHED,
    ScenarioStatus.AWARDED,
    ScenarioStatus.IN_PROGRESS,
)


def _require_role(actor: User | None, roles: tuple, message: str) -> None:
    if actor is not None and actor.role not in roles:
        raise PermissionDenied(message)


def can_manage(user: User | None, scenario: Scenario) -> bool:
    """Whether ``user`` manages ``scenario``: city staff the city-level ones, a district officer the
    district-level ones of its region. ``None`` is the system (management commands)."""
    if user is None:
        return True
    if not user.is_active:
        return False
    if user.role == Role.CITY:
        return scenario.level == Level.CITY
    if user.role == Role.DISTRICT:
        return scenario.level == Level.DISTRICT and scenario.region_id == user.region_id
    return False


def _require_manager(actor: User | None, scenario: Scenario) -> None:
    _require_role(actor, (Role.CITY, Role.DISTRICT), "只有市级用户和区县用户可以管理应用场景。")
    if can_manage(actor, scenario):
        return
    if actor.role == Role.CITY:
        raise PermissionDenied("区县级应用场景由所在区县经信部门管理，市级用户不能代为操作。")
    if scenario.level == Level.CITY:
        raise PermissionDenied("市级应用场景由市经济信息委管理。")
    raise PermissionDenied("区县用户只能管理本区域的应用场景。")


def _today() -> date:
    return timezone.localdate()


def _log(
    scenario: Scenario, *, actor: User | None, from_status: str, reason: str = "", note: str = ""
) -> None:
    ScenarioTransition.objects.create(
        scenario=scenario,
        from_status=from_status,
        to_status=scenario.status,
        actor=actor,
        reason=reason,
        note=note[:500],
    )


def _lock(scenario: Scenario) -> Scenario:
    return Scenario.objects.select_for_update().get(pk=scenario.pk)


def _check_state(scenario: Scenario, allowed_from: tuple, verb: str) -> None:
    if scenario.status not in allowed_from:
        allowed = "、".join(ScenarioStatus(s).label for s in allowed_from)
        raise TransitionNotAllowed(
            f"场景当前状态为“{scenario.get_status_display()}”，不能{verb}（只有“{allowed}”的场景可以{verb}）。"
        )


def _transition(
    scenario: Scenario, *, actor, allowed_from: tuple, to: str, verb: str
) -> tuple[Scenario, str]:
    """Lock the scenario row, check the actor manages it and its state allows the step (409 otherwise), and
    move it to ``to``; the caller saves it and logs the step."""
    scenario = _lock(scenario)
    _require_manager(actor, scenario)
    _check_state(scenario, allowed_from, verb)
    from_status = scenario.status
    scenario.status = to
    return scenario, from_status


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"{what}必须填写原因。"})
    return reason


def _check_day(
    day: date, *, field: str, label: str, not_before: date | None = None, before_label: str = ""
) -> None:
    if day > _today():
        raise ValidationError({field: f"{label}不能晚于今天。"})
    if not_before is not None and day < not_before:
        raise ValidationError({field: f"{label}不能早于{before_label}（{not_before:%Y-%m-%d}）。"})


# --- Scenarios ----------------------------------------------------------------------------------------------


def _clean_scenario(scenario: Scenario) -> None:
    errors = {}
    scenario.title = (scenario.title or "").strip()
    scenario.owner_unit = (scenario.owner_unit or "").strip()
    scenario.scope = (scenario.scope or "").strip()
    scenario.funding_source = (scenario.funding_source or "").strip()
    if not scenario.title:
        errors["title"] = "请填写场景名称。"
    elif (
        Scenario.objects.filter(region_id=scenario.region_id, title=scenario.title)
        .exclude(pk=scenario.pk)
        .exists()
    ):
        errors["title"] = f"{scenario.region.name}已有名为“{scenario.title}”的应用场景。"
    if scenario.region.kind == RegionKind.PARK:
        errors["region"] = "所在区域请选择区县或开发区（园区的场景登记在其所属区县）。"
    if scenario.funding_amount is not None and scenario.funding_amount < 0:
        errors["funding_amount"] = "资金金额不能为负数。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_scenario(
    *,
    actor: User | None,
    title: str,
    region: Region,
    domain: str,
    owner_type: str,
    level: str | None = None,
    **fields,
) -> Scenario:
    """Record a scenario being collected (征集). A district officer records district-level scenarios of its own
    region; city staff record city-level ones (in any region)."""
    _require_role(actor, (Role.CITY, Role.DISTRICT), "只有市级用户和区县用户可以登记应用场景。")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown scenario fields: {sorted(unknown)}")
    if actor is not None and actor.role == Role.DISTRICT:
        if level not in (None, Level.DISTRICT):
            raise ValidationError({"level": "区县用户只能登记区县级应用场景，市级场景由市经济信息委登记。"})
        if region.pk != actor.region_id:
            raise ValidationError({"region": "区县用户只能登记本区域的应用场景。"})
        level = Level.DISTRICT
    elif actor is not None and actor.role == Role.CITY:
        if level not in (None, Level.CITY):
            raise ValidationError({"level": "区县级应用场景由所在区县经信部门登记，市级用户登记市级场景。"})
        level = Level.CITY
    level = level or Level.DISTRICT
    scenario = Scenario(
        title=title,
        region=region,
        domain=domain,
        owner_type=owner_type,
        level=level,
        created_by=actor,
        **fields,
    )
    _clean_scenario(scenario)
    scenario._history_user = actor
    scenario.save()
    _log(scenario, actor=actor, from_status="")
    return scenario


@transaction.atomic
def update_scenario(*, actor: User | None, scenario: Scenario, **changes) -> Scenario:
    """Change a scenario while it is being collected; once published its terms are fixed (409)."""
    scenario = _lock(scenario)
    _require_manager(actor, scenario)
    if "level" in changes and changes.pop("level") != scenario.level:
        raise ValidationError({"level": "发布层级登记后不能修改。"})
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown scenario fields: {sorted(unknown)}")
    if scenario.status != ScenarioStatus.COLLECTED:
        raise TransitionNotAllowed(
            f"场景当前状态为“{scenario.get_status_display()}”，发布后不能修改场景内容（只有“征集中”的场景可以修改）。"
        )
    region = changes.get("region")
    if region is not None and region.pk != scenario.region_id and scenario.level == Level.DISTRICT:
        raise ValidationError({"region": "区县级应用场景不能划转到其他区域。"})
    for name, value in changes.items():
        setattr(scenario, name, value)
    _clean_scenario(scenario)
    scenario._history_user = actor
    scenario.save()
    return scenario


def missing_requirements(scenario: Scenario) -> dict[str, str]:
    """The publication requirements "边界清晰、业主明确、资金落实" a scenario does not meet, one message each,
    keyed by the field to fill in."""
    missing = {}
    if not (scenario.scope or "").strip():
        missing["scope"] = "边界不清晰：请填写场景的建设内容和边界。"
    if not (scenario.owner_unit or "").strip():
        missing["owner_unit"] = "业主不明确：请填写业主单位。"
    if scenario.funding_amount is None or scenario.funding_amount <= 0:
        missing["funding_amount"] = "资金未落实：请填写大于 0 的资金金额（万元）。"
    if not (scenario.funding_source or "").strip():
        missing["funding_source"] = "资金未落实：请填写资金来源。"
    return missing


def _list_for(scenario: Scenario, published_on: date) -> ScenarioList:
    """The publisher's list of ``published_on``: found, or created with the next number of its year."""
    settings_row = ScenarioSettings.current()
    ScenarioSettings.objects.select_for_update().filter(pk=settings_row.pk).first()  # one numberer at a time
    lists = ScenarioList.objects.filter(level=scenario.level)
    if scenario.level == Level.DISTRICT:
        lists = lists.filter(region_id=scenario.region_id)
    existing = lists.filter(published_on=published_on).first()
    if existing is not None:
        return existing
    latest = lists.order_by("-published_on").values_list("published_on", flat=True).first()
    if latest is not None and latest > published_on:
        raise ValidationError(
            {
                "published_on": f"本级最近一批清单已于 {latest:%Y-%m-%d} 发布，清单按日期顺序编号，发布日期不能早于该日期。"
            }
        )
    number = (lists.filter(year=published_on.year).aggregate(n=Max("number"))["n"] or 0) + 1
    prefix = "CITY" if scenario.level == Level.CITY else scenario.region.code
    region = scenario.region if scenario.level == Level.DISTRICT else None
    return ScenarioList.objects.create(
        level=scenario.level,
        region=region,
        year=published_on.year,
        number=number,
        published_on=published_on,
        code=f"{prefix}-{published_on.year}-{number:02d}",
    )


@transaction.atomic
def publish_scenario(
    *, actor: User | None, scenario: Scenario, published_on: date | None = None, deadline: date | None = None
) -> Scenario:
    """Publish a collected scenario into its publisher's list of the day. Refused, with one message per
    missing requirement, unless "边界清晰、业主明确、资金落实" all hold. The application deadline is the one
    given, else the one recorded while collecting, else the publication date plus the default period."""
    scenario, from_status = _transition(
        scenario,
        actor=actor,
        allowed_from=(ScenarioStatus.COLLECTED,),
        to=ScenarioStatus.PUBLISHED,
        verb="发布",
    )
    missing = missing_requirements(scenario)
    if missing:
        raise ValidationError(missing)
    published_on = published_on or _today()
    _check_day(published_on, field="published_on", label="发布日期")
    deadline = deadline or scenario.deadline
    if deadline is None:
        deadline = published_on + timedelta(days=ScenarioSettings.current().application_days)
    if deadline < published_on:
        raise ValidationError({"deadline": f"揭榜截止日期不能早于发布日期（{published_on:%Y-%m-%d}）。"})
    scenario.published_list = _list_for(scenario, published_on)
    scenario.published_on = published_on
    scenario.deadline = deadline
    scenario._history_user = actor
    scenario.save()
    _log(scenario, actor=actor, from_status=from_status, note=f"列入{scenario.published_list.title}")
    return scenario


# --- 揭榜 applications ------------------------------------------------------------------------------------------


def _check_open(scenario: Scenario, on: date) -> None:
    if scenario.status == ScenarioStatus.COLLECTED:
        raise ValidationError({"scenario": "该场景尚未发布，不能揭榜。"})
    if scenario.status == ScenarioStatus.WITHDRAWN:
        raise ValidationError({"scenario": "该场景已终止，不能揭榜。"})
    if scenario.status != ScenarioStatus.PUBLISHED:
        raise ValidationError({"scenario": "该场景已定榜，揭榜已结束。"})
    if on > scenario.deadline:
        raise ValidationError({"scenario": f"该场景揭榜已于 {scenario.deadline:%Y-%m-%d} 截止，不能再揭榜。"})
    if on < scenario.published_on:
        raise ValidationError({"scenario": "揭榜日期不能早于场景发布日期。"})


def _check_attachment(attachment) -> None:
    if not attachment:
        return
    limit = ScenarioSettings.current().attachment_max_mb
    if attachment.size > limit * 1024 * 1024:
        raise ValidationError({"attachment": f"附件不能超过 {limit} MB。"})
    field = ScenarioApplication._meta.get_field("attachment")
    try:
        for validator in field.validators:
            validator(attachment)
    except ValidationError as exc:
        allowed = "、".join(field.validators[0].allowed_extensions)
        raise ValidationError({"attachment": f"附件格式不支持，请上传 {allowed} 文件。"}) from exc


@transaction.atomic
def apply_for_scenario(
    *,
    actor: User | None,
    scenario: Scenario,
    proposal: str,
    enterprise=None,
    attachment=None,
    on: date | None = None,
) -> ScenarioApplication:
    """An enterprise applies (揭榜) for a published scenario with a proposal and an optional attachment: only
    an enterprise user, for its own enterprise, up to the deadline (inclusive), once per scenario."""
    _require_role(actor, (Role.ENTERPRISE,), "只有企业填报员可以揭榜应用场景。")
    if actor is not None:
        if enterprise is not None and enterprise.pk != actor.enterprise_id:
            raise PermissionDenied("企业填报员只能为本企业揭榜。")
        enterprise = actor.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": "请指定揭榜企业。"})
    scenario = _lock(scenario)  # applications and 定榜 of one scenario take turns
    on = on or _today()
    _check_open(scenario, on)
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": "请填写揭榜方案。"})
    if ScenarioApplication.objects.filter(scenario=scenario, enterprise=enterprise).exists():
        raise ValidationError({"scenario": f"{enterprise.name}已揭榜这个场景，不能重复揭榜。"})
    _check_attachment(attachment)
    application = ScenarioApplication(
        scenario=scenario, enterprise=enterprise, proposal=proposal, applied_on=on, applied_by=actor
    )
    if attachment:
        application.attachment = attachment
    application._history_user = actor
    application.save()
    return application


# --- 定榜, 实施, 落地, 终止 -----------------------------------------------------------------------------------------


@transaction.atomic
def award_scenario(
    *, actor: User | None, scenario: Scenario, winners: list[dict], awarded_on: date | None = None
) -> Scenario:
    """定榜: choose one or more winners among the scenario's applicants, each with an amount (万元). The
    amounts together may not exceed the scenario's funding amount. The other applicants are not chosen;
    applications close."""
    scenario, from_status = _transition(
        scenario,
        actor=actor,
        allowed_from=(ScenarioStatus.PUBLISHED,),
        to=ScenarioStatus.AWARDED,
        verb="定榜",
    )
    if not winners:
        raise ValidationError({"winners": "请至少选择一家中榜企业。"})
    applications = {
        a.pk: a
        for a in ScenarioApplication.objects.select_for_update()
        .filter(scenario=scenario)
        .select_related("enterprise")
    }
    chosen, total = {}, ZERO
    for winner in winners:
        application, amount = winner.get("application"), winner.get("amount")
        mine = applications.get(getattr(application, "pk", application))
        if mine is None:
            name = getattr(getattr(application, "enterprise", None), "name", "该企业")
            raise ValidationError({"winners": f"{name}没有揭榜这个场景，不能定为中榜企业。"})
        if mine.pk in chosen:
            raise ValidationError({"winners": f"{mine.enterprise.name}重复出现在中榜名单中。"})
        if amount is None or Decimal(amount) <= 0:
            raise ValidationError({"winners": f"{mine.enterprise.name}的中榜金额必须大于 0 万元。"})
        chosen[mine.pk] = Decimal(amount).quantize(Decimal("0.01"))
        total += chosen[mine.pk]
    if total > scenario.funding_amount:
        raise ValidationError(
            {"winners": f"中榜金额合计 {total:.2f} 万元，超过场景资金 {scenario.funding_amount:.2f} 万元。"}
        )
    awarded_on = awarded_on or _today()
    _check_day(
        awarded_on,
        field="awarded_on",
        label="定榜日期",
        not_before=scenario.published_on,
        before_label="发布日期",
    )
    for application in applications.values():
        application.status = ApplicationStatus.WON if application.pk in chosen else ApplicationStatus.LOST
        application.amount = chosen.get(application.pk)
        application._history_user = actor
        application.save(update_fields=["status", "amount", "updated_at"])
    scenario.awarded_on = awarded_on
    scenario._history_user = actor
    scenario.save()
    names = "、".join(
        f"{applications[pk].enterprise.name}（{amount:.2f} 万元）" for pk, amount in chosen.items()
    )
    _log(scenario, actor=actor, from_status=from_status, note=f"中榜企业：{names}")
    return scenario


@transaction.atomic
def start_scenario(*, actor: User | None, scenario: Scenario, started_on: date | None = None) -> Scenario:
    """实施: the winners start building the scenario."""
    scenario, from_status = _transition(
        scenario,
        actor=actor,
        allowed_from=(ScenarioStatus.AWARDED,),
        to=ScenarioStatus.IN_PROGRESS,
        verb="开始实施",
    )
    started_on = started_on or _today()
    _check_day(
        started_on,
        field="started_on",
        label="开始实施日期",
        not_before=scenario.awarded_on,
        before_label="定榜日期",
    )
    scenario.started_on = started_on
    scenario._history_user = actor
    scenario.save()
    _log(scenario, actor=actor, from_status=from_status)
    return scenario


@transaction.atomic
def deliver_scenario(
    *, actor: User | None, scenario: Scenario, evidence: str = "", delivered_on: date | None = None
) -> Scenario:
    """落地: the scenario is delivered, with a date and evidence (验收报告, 上线通知 …). Only a scenario under way,
    so only one with winners."""
    locked = _lock(scenario)
    _require_manager(actor, locked)
    if not locked.applications.filter(status=ApplicationStatus.WON).exists():
        raise TransitionNotAllowed(
            f"场景当前状态为“{locked.get_status_display()}”，还没有中榜企业，不能登记落地（须先定榜、实施）。"
        )
    scenario, from_status = _transition(
        locked,
        actor=actor,
        allowed_from=(ScenarioStatus.IN_PROGRESS,),
        to=ScenarioStatus.DELIVERED,
        verb="登记落地",
    )
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": "请填写落地证明（验收报告、上线通知等文件的名称、文号或链接）。"})
    delivered_on = delivered_on or _today()
    _check_day(
        delivered_on,
        field="delivered_on",
        label="落地日期",
        not_before=scenario.started_on,
        before_label="开始实施日期",
    )
    scenario.delivered_on = delivered_on
    scenario.delivery_evidence = evidence
    scenario._history_user = actor
    scenario.save()
    _log(scenario, actor=actor, from_status=from_status, note=f"落地证明：{evidence}")
    return scenario


@transaction.atomic
def withdraw_scenario(
    *, actor: User | None, scenario: Scenario, reason: str = "", withdrawn_on: date | None = None
) -> Scenario:
    """终止: stop a scenario before delivery, with a reason. Applicants still waiting are not chosen."""
    scenario, from_status = _transition(
        scenario,
        actor=actor,
        allowed_from=WITHDRAWABLE,
        to=ScenarioStatus.WITHDRAWN,
        verb="终止",
    )
    reason = _require_reason(reason, "终止场景")
    withdrawn_on = withdrawn_on or _today()
    _check_day(
        withdrawn_on,
        field="withdrawn_on",
        label="终止日期",
        not_before=scenario.published_on,
        before_label="发布日期",
    )
    for application in ScenarioApplication.objects.select_for_update().filter(
        scenario=scenario, status=ApplicationStatus.APPLIED
    ):
        application.status = ApplicationStatus.LOST
        application._history_user = actor
        application.save(update_fields=["status", "updated_at"])
    scenario.withdrawn_on = withdrawn_on
    scenario.withdraw_reason = reason
    scenario._history_user = actor
    scenario.save()
    _log(scenario, actor=actor, from_status=from_status, reason=reason)
    return scenario
