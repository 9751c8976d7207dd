"""Every write of the enterprises app: the API, the pages, imports and seed_demo all come through here."""

import copy
import io
import json
import logging
import operator
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal import taskqueue
from portal.choices import RegionKind, Role
from portal.exceptions import TransitionNotAllowed
from portal.imports import chunks
from portal.models import Region, User
from portal.signals import accepted_data_changed

from . import selectors
from .choices import ArrivalOrigin, PoolDecisionKind, PoolLevel, ReportStatus, TierLevel
from .models import (
    CONTACT_FIELDS,
    FIGURE_FIELDS,
    SOFTWARE_PARTS,
    Enterprise,
    EnterpriseTag,
    Honour,
    MonthlyReport,
    PoolDecision,
    PoolMembership,
    ReportTransition,
    SupportGrant,
)
from .validation import PrefetchedContext, ReportContext, check_report, compute_warnings
from .validators import validate_uscc

logger = logging.getLogger(__name__)

RELOCATED_SUPPORT_REFUSAL = (
    "该企业为市内迁移企业，不能享受新入驻企业支持政策："
    "《重庆市软件和信息服务业“满天星”行动计划（2022—2025年）》任务4规定“企业市内迁移不得享受新入驻企业支持政策”。"
)

# --- Enterprises ------------------------------------------------------------------------------------------

REGISTRY_FIELDS = (
    "name",
    "region",
    "park",
    "address",
    "building",
    "industry",
    "arrival_date",
    "arrival_origin",
    "relocated_from",
    "reporting",
    "service_officer",
    *CONTACT_FIELDS,
)


def _require_role(actor: User | None, roles: tuple, message: str) -> None:
    if actor is not None and actor.role not in roles:
        raise PermissionDenied(message)


def _check_region_remit(actor: User | None, region: Region) -> None:
    if actor is not None and actor.role == Role.DISTRICT and region.pk != actor.region_id:
        raise ValidationError({"region": "区县用户只能登记和管理本区域的企业。"})


def _clean_enterprise(enterprise: Enterprise) -> None:
    errors = {}
    if enterprise.park_id and (
        enterprise.park.kind != RegionKind.PARK or enterprise.park.parent_id != enterprise.region_id
    ):
        errors["park"] = "所属园区必须是所属区域下的园区。"
    if enterprise.building_id and enterprise.building.region_id != enterprise.region_id:
        errors["building"] = "所在楼宇必须是企业所属区域台账中的楼宇。"
    if enterprise.arrival_origin == ArrivalOrigin.RELOCATED:
        if enterprise.relocated_from_id is None:
            errors["relocated_from"] = "市内迁移的企业必须填写迁出区域。"
        elif enterprise.relocated_from_id == enterprise.region_id:
            errors["relocated_from"] = "迁出区域不能是企业现在所属的区域。"
    else:
        enterprise.relocated_from = None
    if enterprise.arrival_date and enterprise.arrival_date > timezone.localdate():
        errors["arrival_date"] = "入驻日期不能晚于今天。"
    officer = enterprise.service_officer
    if officer is not None and not (
        officer.is_active
        and (
            officer.role == Role.CITY
            or (officer.role == Role.DISTRICT and officer.region_id == enterprise.region_id)
        )
    ):
        errors["service_officer"] = "服务专员必须是在岗的市级用户或本区域的区县用户。"
    if not (enterprise.name or "").strip():
        errors["name"] = "请填写企业名称。"
    if errors:
        raise ValidationError(errors)


def _set_tags(enterprise: Enterprise, tags, actor: User | None) -> None:
    """Tags are recorded in the history one by one, like every other change, with who made them."""
    if tags is None:
        return
    wanted = set(tags)
    existing = set()
    for tag in enterprise.tags.all():
        if tag.tag in wanted:
            existing.add(tag.tag)
        else:
            tag._history_user = actor
            tag.delete()
    if wanted - existing:
        bulk_create_with_history(
            [EnterpriseTag(enterprise=enterprise, tag=tag) for tag in sorted(wanted - existing)],
            EnterpriseTag,
            default_user=actor,
        )
        selectors.invalidate_list()  # bulk_create sends no post_save (receivers)


@transaction.atomic
def create_enterprise(*, actor: User | None, uscc: str, region: Region, tags=(), **fields) -> Enterprise:
    """Register an enterprise. City staff register any; a district officer only in its own region."""
    _require_role(actor, (Role.CITY, Role.DISTRICT), "只有市级用户和区县用户可以登记企业。")
    _check_region_remit(actor, region)
    try:
        uscc = validate_uscc((uscc or "").strip().upper())
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from exc
    if Enterprise.objects.filter(uscc=uscc).exists():
        raise ValidationError({"uscc": f"统一社会信用代码“{uscc}”已登记，不能重复登记。"})
    unknown = set(fields) - set(REGISTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    enterprise = Enterprise(uscc=uscc, region=region, **fields)
    _clean_enterprise(enterprise)
    enterprise._history_user = actor
    enterprise.save()
    _set_tags(enterprise, tags, actor)
    return enterprise


@transaction.atomic
def update_enterprise(*, actor: User | None, enterprise: Enterprise, tags=None, **changes) -> Enterprise:
    """Change an enterprise's profile. Enterprise users change their own contact fields only; moving an
    enterprise to another region is for city staff."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if "uscc" in changes and changes.pop("uscc") != enterprise.uscc:
        raise ValidationError({"uscc": "统一社会信用代码登记后不能修改。"})
    unknown = set(changes) - set(REGISTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    if actor is not None and actor.role == Role.ENTERPRISE:
        if set(changes) - set(CONTACT_FIELDS) or tags is not None:
            raise PermissionDenied("企业填报员只能修改本企业的联系人信息。")
    else:
        _require_role(actor, (Role.CITY, Role.DISTRICT), "您的角色无权修改企业信息。")
    moves = "region" in changes and changes["region"].pk != enterprise.region_id
    if moves and actor is not None and actor.role != Role.CITY:
        raise ValidationError({"region": "只有市级用户可以将企业划转到其他区域。"})
    for name, value in changes.items():
        setattr(enterprise, name, value)
    _clean_enterprise(enterprise)
    enterprise._history_user = actor
    enterprise.save()
    _set_tags(enterprise, tags, actor)
    return enterprise


@transaction.atomic
def add_honour(
    *, actor: User | None, enterprise: Enterprise, kind: str, year: int, evidence: str = ""
) -> Honour:
    _require_role(actor, (Role.CITY, Role.DISTRICT), "只有市级用户和区县用户可以登记企业荣誉。")
    if not 1990 <= year <= timezone.localdate().year:
        raise ValidationError({"year": f"荣誉年度 {year} 无效：应在 1990 年至今年之间。"})
    if Honour.objects.filter(enterprise=enterprise, kind=kind, year=year).exists():
        raise ValidationError({"kind": "该企业本年度的这项荣誉已登记。"})
    honour = Honour(enterprise=enterprise, kind=kind, year=year, evidence=evidence)
    honour._history_user = actor
    honour.save()
    return honour


@transaction.atomic
def record_support_grant(
    *,
    actor: User | None,
    enterprise: Enterprise,
    kind: str,
    amount: Decimal,
    granted_on: date,
    note: str = "",
) -> SupportGrant:
    """Record a new-entrant support grant; refused for an enterprise relocated within Chongqing (004 task 4)."""
    _require_role(actor, (Role.CITY, Role.DISTRICT), "只有市级用户和区县用户可以登记支持政策兑现。")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.is_relocated_within_city:
        raise ValidationError({"enterprise": RELOCATED_SUPPORT_REFUSAL})
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = "金额必须大于 0 万元。"
    if granted_on > timezone.localdate():
        errors["granted_on"] = "兑现日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    grant = SupportGrant(
        enterprise=enterprise, kind=kind, amount=amount, granted_on=granted_on, note=note, created_by=actor
    )
    grant._history_user = actor
    grant.save()
    return grant


# --- Monthly reports ----------------------------------------------------------------------------------------


def _software_revenue(report: MonthlyReport) -> Decimal:
    total = Decimal(0)
    for part in SOFTWARE_PARTS:
        if value := getattr(report, part):  # a missing part is refused by check_report
            total += value
    return total


FIGURE_NAMES = frozenset(FIGURE_FIELDS)


def _save_figures(report: MonthlyReport, figures: dict, context: ReportContext | None = None) -> None:
    if not FIGURE_NAMES.issuperset(figures):
        raise TypeError(f"unknown report fields: {sorted(set(figures) - FIGURE_NAMES)}")
    for name, value in figures.items():
        setattr(report, name, value)
    report.software_revenue = _software_revenue(report)
    check_report(report, context)


def _record(
    report: MonthlyReport, *, actor: User | None, from_status: str, reason: str = ""
) -> MonthlyReport:
    """Save a workflow step and its transition row."""
    report._history_user = actor
    report.save()
    ReportTransition.objects.create(
        report=report, from_status=from_status, to_status=report.status, actor=actor, reason=reason
    )
    return report


# The steps shared by the one-report services below and ``ReportBatch`` (the Excel import).


def _check_filer(actor: User | None, enterprise: Enterprise) -> None:
    if actor is not None and actor.role == Role.ENTERPRISE and actor.enterprise_id != enterprise.pk:
        raise PermissionDenied("企业填报员只能为本企业报送月报。")


def _already_filed(enterprise: Enterprise, period: date) -> ValidationError:
    return ValidationError({"period": f"{enterprise.name} {period:%Y-%m} 的月报已存在，每月只能报送一份。"})


def _check_editable(report: MonthlyReport) -> None:
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise TransitionNotAllowed(
            f"月报当前状态为“{ReportStatus(report.status).label}”，只有草稿或已退回的月报可以修改。"
        )


def _step(report: MonthlyReport, *, allowed_from: tuple, to: str, verb: str) -> str:
    """Check the report's state allows the step (409 otherwise) and move it; return the state it left."""
    if report.status not in allowed_from:
        allowed = "、".join(ReportStatus(s).label for s in allowed_from)
        raise TransitionNotAllowed(
            f"月报当前状态为“{ReportStatus(report.status).label}”，不能{verb}（只有“{allowed}”状态可以{verb}）。"
        )
    from_status = report.status
    report.status = to
    return from_status


SUBMITTERS = (Role.ENTERPRISE, Role.DISTRICT)
SUBMIT_REFUSAL = "只有企业填报员（或代为导入的区县用户）可以报送月报。"
SUBMIT_STEP = {
    "allowed_from": (ReportStatus.DRAFT, ReportStatus.RETURNED),
    "to": ReportStatus.SUBMITTED,
    "verb": "报送",
}


def _submission(report: MonthlyReport, context: ReportContext | None = None) -> None:
    """What a submitted report carries for its reviewers, once its figures have passed the checks."""
    report.warnings = compute_warnings(report, context)
    report.return_reason = ""
    report.submitted_at = timezone.now()


@transaction.atomic
def create_report(*, actor: User | None, enterprise: Enterprise, period: date, **figures) -> MonthlyReport:
    """Start a month's report as a draft. An enterprise user files for its own enterprise only."""
    _check_filer(actor, enterprise)
    Enterprise.objects.select_for_update().filter(
        pk=enterprise.pk
    ).first()  # one filer at a time per enterprise
    if MonthlyReport.objects.filter(enterprise=enterprise, period=period).exists():
        raise _already_filed(enterprise, period)
    report = MonthlyReport(enterprise=enterprise, period=period)
    _save_figures(report, figures)
    return _record(report, actor=actor, from_status="")


@transaction.atomic
def update_report(*, actor: User | None, report: MonthlyReport, **figures) -> MonthlyReport:
    """Change a draft or returned report's figures; anything further along is locked (409)."""
    report = MonthlyReport.objects.select_for_update().select_related("enterprise").get(pk=report.pk)
    _check_editable(report)
    if "period" in figures and figures.pop("period") != report.period:
        raise ValidationError({"period": "报告期创建后不能修改。"})
    _save_figures(report, figures)
    report._history_user = actor
    report.save()
    return report


def _transition(report, *, allowed_from: tuple, to: str, verb: str) -> tuple[MonthlyReport, str]:
    """Lock the report row, check its state allows the step, and move it; 409 otherwise."""
    report = MonthlyReport.objects.select_for_update().select_related("enterprise").get(pk=report.pk)
    return report, _step(report, allowed_from=allowed_from, to=to, verb=verb)


@transaction.atomic
def submit_report(*, actor: User | None, report: MonthlyReport) -> MonthlyReport:
    """The enterprise submits its report; the checks run again and warnings are stored for reviewers."""
    _require_role(actor, SUBMITTERS, SUBMIT_REFUSAL)
    report, from_status = _transition(report, **SUBMIT_STEP)
    check_report(report)
    _submission(report)
    return _record(report, actor=actor, from_status=from_status)


@transaction.atomic
def approve_report(*, actor: User | None, report: MonthlyReport) -> MonthlyReport:
    """The enterprise's region approves a submitted report."""
    _require_role(actor, (Role.DISTRICT,), "只有企业所属区域的区县用户可以审核月报。")
    report, from_status = _transition(
        report, allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.APPROVED, verb="审核通过"
    )
    return _record(report, actor=actor, from_status=from_status)


@transaction.atomic
def accept_report(*, actor: User | None, report: MonthlyReport) -> MonthlyReport:
    """City staff accept (验收) a region-approved report; from now on it counts and is locked."""
    _require_role(actor, (Role.CITY,), "只有市级用户可以验收月报。")
    report, from_status = _transition(
        report, allowed_from=(ReportStatus.APPROVED,), to=ReportStatus.ACCEPTED, verb="验收"
    )
    _record(report, actor=actor, from_status=from_status)
    _after_accepted_data_changed(report)
    return report


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"{what}必须填写原因。"})
    return reason


@transaction.atomic
def return_report(*, actor: User | None, report: MonthlyReport, reason: str) -> MonthlyReport:
    """Send a report back to the enterprise with a reason: the region at its step (submitted), the city at
    its step (approved)."""
    _require_role(actor, (Role.DISTRICT, Role.CITY), "只有审核月报的区县用户或市级用户可以退回月报。")
    reason = _require_reason(reason, "退回月报")
    step = (
        (ReportStatus.APPROVED,)
        if actor is not None and actor.role == Role.CITY
        else (ReportStatus.SUBMITTED,)
    )
    if actor is None:
        step = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    report, from_status = _transition(report, allowed_from=step, to=ReportStatus.RETURNED, verb="退回")
    report.return_reason = reason
    return _record(report, actor=actor, from_status=from_status, reason=reason)


@transaction.atomic
def unlock_report(*, actor: User | None, report: MonthlyReport, reason: str) -> MonthlyReport:
    """City staff unlock an accepted report for correction (back to approved); the unlock is recorded."""
    _require_role(actor, (Role.CITY,), "只有市级用户可以解锁已验收的月报。")
    reason = _require_reason(reason, "解锁月报")
    report, from_status = _transition(
        report, allowed_from=(ReportStatus.ACCEPTED,), to=ReportStatus.APPROVED, verb="解锁"
    )
    _record(report, actor=actor, from_status=from_status, reason=reason)
    _after_accepted_data_changed(report)
    return report


def _after_accepted_data_changed(report: MonthlyReport) -> None:
    """Accepted data changed: tell listeners (evaluation recomputes rankings), and a December report moves
    the enterprise's tier (recomputed in Celery)."""
    region_ids = [report.enterprise.region_id] + (
        [report.enterprise.park_id] if report.enterprise.park_id else []
    )
    transaction.on_commit(
        lambda: accepted_data_changed.send(sender=MonthlyReport, region_ids=region_ids, day=report.period)
    )
    if report.period.month == 12:
        from .tasks import recompute_tier

        enterprise_id = report.enterprise_id
        transaction.on_commit(lambda: _send_recompute_tier(recompute_tier, enterprise_id))


def _send_recompute_tier(task, enterprise_id: int) -> None:
    """Queue the tier recompute once the report is committed. When the broker is down the accepted data
    stands and is only logged, never an error for the change: the tier is recomputed by other paths too."""
    try:
        taskqueue.send(task, enterprise_id)
    except taskqueue.TaskQueueUnavailable:
        logger.error("Tier recompute of enterprise %s not queued: the task queue is down", enterprise_id)


# --- Many reports at once (the Excel import of 月报) --------------------------------------------------------

BATCH_SIZE = 2000
# What a report filed in a batch starts from, as a new MonthlyReport would.
NEW_REPORT = {
    "pk": None,
    "status": ReportStatus.DRAFT,
    "return_reason": "",
    "submitted_at": None,
    **{name: MonthlyReport._meta.get_field(name).get_default() for name in FIGURE_FIELDS},
}
# The columns an import writes: everything but the timestamps, which it sets itself.
CHANGED_COLUMNS = (*FIGURE_FIELDS, "software_revenue", "status", "warnings", "return_reason", "submitted_at")
REPORT_COLUMNS = ("enterprise_id", "period", *CHANGED_COLUMNS)


class ReportBatch:
    """Many reports created or changed, and optionally submitted, in one go.

    ``file`` takes one report through the steps of ``create_report`` or ``update_report`` and then
    ``submit_report`` — the same checks in the same order, with the same refusals — against the database and
    the reports filed before it in this batch (a ``PrefetchedContext``, loaded in a fixed number of queries),
    and keeps the result in memory; a refused report leaves the batch as it was. ``save`` then writes the
    reports, their history (as the acting user's) and their transitions in a fixed number of queries.

    ``saving`` says whether ``save`` will follow (an import's apply, not its dry run). Then the enterprises'
    rows are locked first, as ``create_report`` locks one, so no other filer adds a report for them
    meanwhile, and so are their reports of these periods, as ``update_report`` locks one; and submitted
    reports get their warnings. A dry run needs neither.
    """

    def __init__(self, *, actor: User | None, enterprises, periods, saving: bool):
        self.actor = actor
        self.saving = saving
        self.enterprises = enterprises = {e.pk: e for e in enterprises}
        self.periods = periods = set(periods)
        ids = sorted(enterprises)
        if saving:
            for chunk in chunks(ids):
                list(
                    Enterprise.objects.select_for_update()
                    .filter(pk__in=chunk)
                    .order_by("pk")
                    .values_list("pk")
                )
        self.context = PrefetchedContext(enterprises=enterprises.values(), periods=periods)
        self.reports = {}  # (enterprise id, period) → the report as it stands in the batch
        for chunk in chunks(ids if periods else []):
            existing = MonthlyReport.objects.filter(
                enterprise_id__in=chunk, period__in=sorted(periods)
            ).order_by()
            for report in existing.select_for_update() if saving else existing:
                report.enterprise = enterprises[report.enterprise_id]
                self.reports[report.enterprise_id, report.period] = report
                self.context.put(report)
        self.created = {}  # key → a new report (a plain namespace until saved)
        self.changed = {}  # key → a saved MonthlyReport with new figures or state
        self.steps = []  # (key, from status, to status), in the order they happened

    def get(self, enterprise: Enterprise, period: date):
        """The enterprise's report of ``period`` as it stands in the batch (saved or filed in it), or None."""
        return self.reports.get((enterprise.pk, period))

    def file(self, *, enterprise: Enterprise, period: date, submit: bool = False, **figures):
        """Create the report (a draft) or change its figures, then submit it when ``submit``."""
        key = (enterprise.pk, period)
        if key[0] not in self.enterprises or period not in self.periods:
            raise ValueError(
                "ReportBatch.file: not one of the enterprises and periods the batch was made for"
            )
        current = self.reports.get(key)
        steps = []
        if current is None:
            _check_filer(self.actor, enterprise)
            # A MonthlyReport costs more to make than all of its checks: the batch files a namespace with
            # the same attributes and makes rows of it when it saves.
            report = SimpleNamespace(
                **NEW_REPORT, warnings=[], enterprise=enterprise, enterprise_id=key[0], period=period
            )
            _save_figures(report, figures, self.context)
            steps.append(("", report.status))
        else:
            report = copy.copy(current)  # the batch keeps the current one should a check refuse
            _check_editable(report)
            _save_figures(report, figures, self.context)
        if submit:
            _require_role(self.actor, SUBMITTERS, SUBMIT_REFUSAL)
            from_status = _step(report, **SUBMIT_STEP)
            # submit_report checks the figures again because a draft may have waited for months; these
            # were checked a moment ago against the same reports. What submitting stores (the warnings
            # for the reviewers, the time) changes no check of this report or the next: a batch that will
            # not be saved skips it, and the query for the region's peers with it.
            if self.saving:
                _submission(report, self.context)
            steps.append((from_status, report.status))
        self.reports[key] = report
        self.context.put(report)
        if current is None or key in self.created:
            self.created[key] = report
        else:
            self.changed[key] = report
        self.steps += [(key, *step) for step in steps]
        return report

    def save(self) -> None:
        """Write the batch. Reports only become drafts or submitted here, never accepted or unaccepted, so
        no accepted figure changes (``accepted_data_changed`` is not for this)."""
        if not self.saving:
            raise ValueError("ReportBatch.save: the batch was made without saving=True")
        now = timezone.now()
        if connection.vendor == "postgresql":
            self._copy_reports(now)
        else:
            self._bulk_reports(now)
        steps = [(self.reports[key].pk, from_status, to_status) for key, from_status, to_status in self.steps]
        if connection.vendor == "postgresql":
            actor, stamp = _copy_value(self.actor and self.actor.pk), str(now)
            _copy(
                ReportTransition,
                ("report_id", "from_status", "to_status", "actor_id", "reason", "at"),
                [
                    f"{pk}\t{from_status}\t{to_status}\t{actor}\t\t{stamp}"
                    for pk, from_status, to_status in steps
                ],
            )
        else:
            ReportTransition.objects.bulk_create(
                [
                    ReportTransition(
                        report_id=pk, from_status=from_status, to_status=to_status, actor=self.actor
                    )
                    for pk, from_status, to_status in steps
                ],
                batch_size=BATCH_SIZE,
            )

    def _bulk_reports(self, now) -> None:
        """The reports and their history through Django's bulk methods (SQLite and the like)."""
        if self.created:
            objects = [
                MonthlyReport(**{name: getattr(report, name) for name in REPORT_COLUMNS})
                for report in self.created.values()
            ]
            bulk_create_with_history(objects, MonthlyReport, batch_size=BATCH_SIZE, default_user=self.actor)
            for report, saved in zip(self.created.values(), objects, strict=True):
                report.pk = saved.pk
        if self.changed:
            for report in self.changed.values():
                report.updated_at = now  # bulk_update leaves auto_now fields alone
            bulk_update_with_history(
                list(self.changed.values()),
                MonthlyReport,
                [*CHANGED_COLUMNS, "updated_at"],
                batch_size=500,  # each field becomes a CASE over the batch's rows
                default_user=self.actor,
            )

    def _copy_reports(self, now) -> None:
        """The reports and their history on PostgreSQL, with COPY: a multi-row INSERT of 10,000 reports spent
        several times as long in the server parsing its literals, and as long again in Django preparing each
        of its values; bulk_update's CASE per column and row took 45 s for 10,000 changed reports. New
        reports get ids drawn from the table's sequence; changed ones go through a temporary table."""
        created, changed = list(self.created.values()), list(self.changed.values())
        table = MonthlyReport._meta.db_table
        if created:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, len(created)],
                )
                for report, (pk,) in zip(created, sorted(cursor.fetchall()), strict=True):
                    report.pk = pk
        stamp, actor = str(now), _copy_value(self.actor and self.actor.pk)
        columns = ("id", *REPORT_COLUMNS, "created_at", "updated_at")
        new = [f"{_copy_line(report)}\t{stamp}\t{stamp}" for report in created]
        old = [f"{_copy_line(report)}\t{report.created_at}\t{stamp}" for report in changed]
        if new:
            _copy(MonthlyReport, columns, new)
        if old:
            quote = connection.ops.quote_name
            names = [
                quote(MonthlyReport._meta.get_field(name).column) for name in (*CHANGED_COLUMNS, "updated_at")
            ]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE import_changed_reports (LIKE {quote(table)}) ON COMMIT DROP"
                )
                _copy(MonthlyReport, columns, old, table="import_changed_reports")
                cursor.execute(
                    f"UPDATE {quote(table)} AS report SET "  # noqa: S608 (column names only; values are copied)
                    + ", ".join(f"{name} = changed.{name}" for name in names)
                    + " FROM import_changed_reports AS changed WHERE report.id = changed.id"
                )
                cursor.execute("DROP TABLE import_changed_reports")
        _copy(
            MonthlyReport.history.model,
            (*columns, "history_date", "history_type", "history_user_id"),
            [f"{line}\t{stamp}\t+\t{actor}" for line in new]
            + [f"{line}\t{stamp}\t~\t{actor}" for line in old],
        )


FIGURES_OF = operator.attrgetter(*FIGURE_FIELDS)


def _copy_line(report) -> str:
    """A report's ``id`` and ``REPORT_COLUMNS`` as a line of COPY text (without the timestamps)."""
    return "\t".join(
        (
            str(report.pk),
            str(report.enterprise_id),
            str(report.period),
            *map(str, FIGURES_OF(report)),
            str(report.software_revenue),
            report.status,
            _copy_value(json.dumps(report.warnings, ensure_ascii=False)),
            _copy_value(report.return_reason),
            _copy_value(report.submitted_at),
        )
    )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """A value in COPY's text format: NULL as \\N, text with its backslashes, tabs and newlines escaped."""
    return "\\N" if value is None else str(value).translate(_COPY_ESCAPES)


def _copy(model, fields: tuple, lines: list[str], table: str = "") -> None:
    """PostgreSQL's COPY of ready-made lines of text (without their newlines) into ``fields`` (attribute
    names) of ``model``'s table, or of ``table`` made like it."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {quote(table or model._meta.db_table)} ({columns}) FROM STDIN",
            io.StringIO("".join(f"{line}\n" for line in lines)),
        )


# --- Tiers (SPEC §3.1) ----------------------------------------------------------------------------------------

WAN = Decimal(10_000)  # 万元 per 亿元


def tier_for(headcount: int, revenue: Decimal) -> str:
    """The tier a year-end headcount and a full-year operating revenue (万元) qualify for.

    Statute wording decides the boundaries: "以上" and "达" include the number, "超" excludes it.
    """
    if headcount >= 10_000 or revenue > 100 * WAN:
        return TierLevel.SUPER
    if headcount >= 5_000 or revenue >= 50 * WAN:
        return TierLevel.BEIDOU
    if headcount >= 1_000 or revenue >= 10 * WAN:
        return TierLevel.QIMING
    return ""


@transaction.atomic
def recompute_tier(*, enterprise: Enterprise) -> Enterprise:
    """Set the tier from the latest accepted December report (a full calendar year); idempotent."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    december = (
        MonthlyReport.objects.accepted()
        .filter(enterprise=enterprise, period__month=12)
        .order_by("-period")
        .values_list("period", "employees", "operating_revenue")
        .first()
    )
    if december is None:
        tier, year, headcount, revenue = "", None, None, None
    else:
        period, headcount, revenue = december
        tier, year = tier_for(headcount, revenue), period.year
    changed = (enterprise.tier, enterprise.tier_year, enterprise.tier_headcount, enterprise.tier_revenue) != (
        tier,
        year,
        headcount,
        revenue,
    )
    if changed:
        enterprise.tier, enterprise.tier_year = tier, year
        enterprise.tier_headcount, enterprise.tier_revenue = headcount, revenue
        enterprise.save(update_fields=["tier", "tier_year", "tier_headcount", "tier_revenue", "updated_at"])
    return enterprise


# --- 培育库 (SPEC §3.2) ------------------------------------------------------------------------------------------

LEVEL_RANK = {PoolLevel.QIMING: 1, PoolLevel.BEIDOU: 2, PoolLevel.SUPER: 3}


@transaction.atomic
def admit_to_pool(
    *, actor: User | None, enterprise: Enterprise, level: str, reason: str, on: date | None = None
):
    _require_role(actor, (Role.CITY,), "只有市级用户可以管理培育库。")
    reason = _require_reason(reason, "入库")
    if PoolMembership.objects.filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": f"{enterprise.name}已在培育库中，请用升级、降级或出库调整。"})
    on = on or timezone.localdate()
    membership = PoolMembership(enterprise=enterprise, level=level, admitted_on=on, reason=reason)
    membership._history_user = actor
    membership.save()
    PoolDecision.objects.create(
        enterprise=enterprise,
        decision=PoolDecisionKind.ADMIT,
        to_level=level,
        reason=reason,
        decided_by=actor,
        decided_on=on,
    )
    return membership


@transaction.atomic
def decide_pool(
    *,
    actor: User | None,
    enterprise: Enterprise,
    decision: str,
    reason: str,
    level: str = "",
    review_year: int | None = None,
    on: date | None = None,
) -> PoolDecision:
    """A 培优汰劣 decision on a pooled enterprise: promote or downgrade to ``level``, keep, or remove."""
    _require_role(actor, (Role.CITY,), "只有市级用户可以管理培育库。")
    reason = _require_reason(reason, "培育库调整")
    membership = PoolMembership.objects.select_for_update().filter(enterprise=enterprise).first()
    if membership is None:
        raise ValidationError({"enterprise": f"{enterprise.name}不在培育库中。"})
    from_level = membership.level
    if decision == PoolDecisionKind.PROMOTE and LEVEL_RANK.get(level, 0) <= LEVEL_RANK[from_level]:
        raise ValidationError({"level": "升级后的层级必须高于当前层级。"})
    if decision == PoolDecisionKind.DOWNGRADE and not 0 < LEVEL_RANK.get(level, 0) < LEVEL_RANK[from_level]:
        raise ValidationError({"level": "降级后的层级必须低于当前层级。"})
    if decision not in (
        PoolDecisionKind.PROMOTE,
        PoolDecisionKind.KEEP,
        PoolDecisionKind.DOWNGRADE,
        PoolDecisionKind.REMOVE,
    ):
        raise ValidationError({"decision": "决定只能是升级、保留、降级或出库。"})
    on = on or timezone.localdate()
    to_level = level if decision in (PoolDecisionKind.PROMOTE, PoolDecisionKind.DOWNGRADE) else from_level
    if decision == PoolDecisionKind.REMOVE:
        to_level = ""
        membership._history_user = actor
        membership.delete()
    elif to_level != from_level:
        membership.level = to_level
        membership._history_user = actor
        membership.save()
    return PoolDecision.objects.create(
        enterprise=enterprise,
        decision=decision,
        from_level=from_level,
        to_level=to_level,
        reason=reason,
        review_year=review_year,
        decided_by=actor,
        decided_on=on,
    )
