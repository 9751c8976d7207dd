"""Every write of the evaluation app. Runs are computed by ``compute_run`` inside a Celery task."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from portal import taskqueue
from portal.choices import RegionKind, Role
from portal.exceptions import TransitionNotAllowed
from portal.models import Region, User

from . import scoring
from .choices import RunStatus, RunTrigger, TieRule
from .indicators import MANUAL, SOURCES
from .models import Indicator, ManualScore, Run, RunResult, Scheme

MAX_AWARD = Decimal(3000)  # 004: any award is at most 3000万元


def _require_city(actor: User | None, message: str) -> None:
    if actor is not None and actor.role != Role.CITY:
        raise PermissionDenied(message)


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({field: f"{label}“{value}”不是有效的数字。"}) from exc


def level_of(regions) -> str:
    """ "park" when a scheme evaluates child units (北碚区's 园城), "region" otherwise."""
    kinds = {region.kind == RegionKind.PARK for region in regions}
    if len(kinds) > 1:
        raise ValidationError(
            {"regions": "参评区域不能混合区县和园区：要么都是区县（开发区），要么都是同一区县的园区。"}
        )
    return "park" if kinds == {True} else "region"


@transaction.atomic
def create_scheme(
    *,
    actor: User | None,
    name: str,
    year: int,
    period: str,
    regions: list[Region],
    indicators: list[dict],
    award_table: list = (),
    award_cap=MAX_AWARD,
    tie_rule: str = TieRule.SHARE,
) -> Scheme:
    """Set up a scheme. Weights sum to 100; sources are known metrics or "manual"; the award table is no
    longer than the evaluated regions and no entry exceeds the cap (itself at most 3000万元)."""
    _require_city(actor, "只有市级用户可以设置评价方案。")
    errors: dict[str, list[str]] = {}
    regions = list(regions)
    if not regions:
        errors.setdefault("regions", []).append("请选择参评区域。")
    else:
        try:
            level_of(regions)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not indicators:
        errors.setdefault("indicators", []).append("评价方案至少需要一项指标。")
    codes, total = set(), Decimal(0)
    for position, item in enumerate(indicators, start=1):
        code, source = item.get("code", ""), item.get("source", "")
        weight = _decimal(item.get("weight"), "indicators", f"第 {position} 项指标的权重")
        if not code or code in codes:
            errors.setdefault("indicators", []).append(f"第 {position} 项指标的代码为空或重复。")
        codes.add(code)
        if source != MANUAL and source not in SOURCES:
            errors.setdefault("indicators", []).append(f"第 {position} 项指标的数据来源“{source}”不存在。")
        if weight <= 0:
            errors.setdefault("indicators", []).append(f"第 {position} 项指标的权重必须大于 0。")
        total += weight
    if indicators and total != 100:
        errors.setdefault("indicators", []).append(
            f"各项指标权重之和必须为 100，现为 {total.normalize():f}。"
        )
    cap = _decimal(award_cap, "award_cap", "奖励上限")
    if not 0 <= cap <= MAX_AWARD:
        errors.setdefault("award_cap", []).append(
            "单个区域奖励上限应在 0 至 3000 万元之间（“满天星”行动计划）。"
        )
    table = [_decimal(amount, "award_table", "奖励金额") for amount in award_table]
    if regions and len(table) > len(regions):
        errors.setdefault("award_table", []).append(
            f"奖励表有 {len(table)} 个名次，多于参评区域数 {len(regions)}。"
        )
    for position, amount in enumerate(table, start=1):
        if amount < 0:
            errors.setdefault("award_table", []).append(f"第 {position} 名奖励不能为负数。")
        elif amount > cap:
            errors.setdefault("award_table", []).append(
                f"第 {position} 名奖励 {amount} 万元超过上限 {cap} 万元。"
            )
    if tie_rule not in TieRule.values:
        errors.setdefault("tie_rule", []).append("并列规则无效。")
    if errors:
        raise ValidationError(errors)
    scheme = Scheme(
        name=name,
        year=year,
        period=period,
        award_table=[str(a) for a in table],
        award_cap=cap,
        tie_rule=tie_rule,
        created_by=actor,
    )
    scheme._history_user = actor
    scheme.save()
    scheme.regions.set(regions)
    bulk_create_with_history(
        [
            Indicator(
                scheme=scheme,
                code=item["code"],
                name=item.get("name") or item["code"],
                weight=_decimal(item["weight"], "indicators", "权重"),
                source=item["source"],
                order=position,
            )
            for position, item in enumerate(indicators)
        ],
        Indicator,
        default_user=actor,
    )
    return scheme


# Evidence for a manual score: documents and pictures only, of a bounded size (stored under MEDIA_ROOT).
EVIDENCE_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "png", "zip", "rar")
EVIDENCE_MAX_MB = 20


def _check_evidence(attachment) -> None:
    if not attachment:
        return
    if attachment.size > EVIDENCE_MAX_MB * 1024 * 1024:
        raise ValidationError({"attachment": f"证明材料不能超过 {EVIDENCE_MAX_MB} MB。"})
    extension = attachment.name.rsplit(".", 1)[-1].lower() if "." in attachment.name else ""
    if extension not in EVIDENCE_EXTENSIONS:
        allowed = "、".join(EVIDENCE_EXTENSIONS)
        raise ValidationError({"attachment": f"证明材料格式不支持，请上传 {allowed} 文件。"})


@transaction.atomic
def set_manual_score(
    *,
    actor: User | None,
    scheme: Scheme,
    region: Region,
    indicator: str,
    score,
    comment: str = "",
    attachment=None,
) -> ManualScore:
    """City staff score one region on a manual indicator, between 0 and the indicator's weight."""
    _require_city(actor, "只有市级用户可以录入人工评分。")
    item = scheme.indicators.filter(code=indicator).first()
    if item is None or item.source != MANUAL:
        raise ValidationError({"indicator": f"“{indicator}”不是该方案的人工评分指标。"})
    if not scheme.regions.filter(pk=region.pk).exists():
        raise ValidationError({"region": f"{region.name}不在该方案的参评区域中。"})
    score = _decimal(score, "score", "得分")
    if not 0 <= score <= item.weight:
        raise ValidationError({"score": f"“{item.name}”的得分应在 0 至 {item.weight} 之间。"})
    _check_evidence(attachment)
    entry, _ = ManualScore.objects.update_or_create(
        scheme=scheme,
        region=region,
        indicator=indicator,
        defaults={
            "score": score,
            "comment": comment,
            "entered_by": actor,
            **({"attachment": attachment} if attachment else {}),
        },
    )
    return entry


def snapshot(scheme: Scheme) -> dict:
    """Everything a run is computed from, frozen at the moment it is asked for."""
    regions = list(scheme.regions.order_by("sort_order", "code"))
    manual: dict[str, dict[str, str]] = {}
    for entry in scheme.manual_scores.select_related("region"):
        manual.setdefault(entry.indicator, {})[entry.region.code] = str(entry.score)
    return {
        "name": scheme.name,
        "year": scheme.year,
        "period": scheme.period,
        "start": scheme.start.isoformat(),
        "end": scheme.end.isoformat(),
        "by": level_of(regions) if regions else "region",
        "regions": [{"code": r.code, "name": r.name} for r in regions],
        "indicators": [
            {"code": i.code, "name": i.name, "weight": str(i.weight), "source": i.source}
            for i in scheme.indicators.all()
        ],
        "award_table": list(scheme.award_table),
        "award_cap": str(scheme.award_cap),
        "tie_rule": scheme.tie_rule,
        "manual_scores": manual,
    }


STALE_MARGIN = timedelta(minutes=1)
STALE_ERROR = "计算进程中断（超过时限仍未完成，执行计算的后台进程可能已退出），结果作废；请重新计算。"
QUEUE_DOWN_ERROR = "后台任务服务暂不可用，计算未能开始；请稍后重新计算。"


def fail_stale_runs(*, scheme: Scheme | None = None) -> int:
    """Mark failed the runs still "running" past the task's time limit (and a margin): Celery stops a run at
    that limit, so such a run lost its worker (killed, out of memory, machine restarted) and would otherwise
    show 计算中 for ever. A twin that is somehow still alive finds the run failed and discards its results.
    Returns how many runs were marked."""
    limit = timedelta(seconds=settings.EVALUATION_RUN_TIME_LIMIT) + STALE_MARGIN
    stale = Run.objects.filter(status=RunStatus.RUNNING, started_at__lt=timezone.now() - limit)
    if scheme is not None:
        stale = stale.filter(scheme=scheme)
    return stale.update(status=RunStatus.FAILED, error=STALE_ERROR, finished_at=timezone.now())


@transaction.atomic
def request_recompute(*, actor: User | None, scheme: Scheme, trigger: str = RunTrigger.MANUAL) -> Run:
    """Queue a run of the scheme; the computation happens in Celery once this transaction commits.

    One computation per scheme at a time: the scheme row is locked, so concurrent requests are taken one
    after the other. While a run waits in the queue a new request joins it (its snapshot is refreshed and
    the task sent again: whichever copy comes first computes it, the other finds it taken); while one is
    computing, a new request is refused (409) because the data it reads may already be behind."""
    _require_city(actor, "只有市级用户可以发起评价计算。")
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    fail_stale_runs(scheme=scheme)
    pending = (
        Run.objects.select_for_update()
        .filter(scheme=scheme, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .order_by("-created_at", "-pk")
        .first()
    )
    if pending is not None and pending.status == RunStatus.RUNNING:
        raise TransitionNotAllowed(
            f"该方案正在计算中（计算 #{pending.pk}，进度 {pending.progress}%），请等待完成后再重新计算。"
        )
    if pending is not None:
        run = pending
        run.inputs = snapshot(scheme)
        run.save(update_fields=["inputs"])
    else:
        run = Run.objects.create(scheme=scheme, inputs=snapshot(scheme), trigger=trigger, created_by=actor)
    transaction.on_commit(lambda: _send_compute(run.pk))
    return run


def _send_compute(run_id: int) -> None:
    """Queue the computation; when the broker is down the run is marked failed (nothing will compute it)
    and the caller gets ``TaskQueueUnavailable`` (503)."""
    from .tasks import compute_run

    try:
        taskqueue.send(compute_run, run_id)
    except taskqueue.TaskQueueUnavailable:
        Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED, error=QUEUE_DOWN_ERROR, finished_at=timezone.now()
        )
        raise


def _progress(run: Run, value: int) -> None:
    Run.objects.filter(pk=run.pk).update(progress=value)


def compute_run(*, run_id: int) -> Run:
    """Compute a run from its snapshot: values, scores, totals, ranks and awards.

    Computed once: the run is claimed under a row lock, and only a queued run can be claimed. A second
    delivery of the task (a twin, or a message delivered again after its worker died) finds the run running,
    finished, published or failed and returns it as it is; a failed run stays failed (a new run is asked
    for instead). Progress is written as it goes (outside the result transaction, so the page can show
    it)."""
    from datetime import date

    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            return run
        run.status, run.progress, run.error = RunStatus.RUNNING, 0, ""
        run.started_at = timezone.now()
        run.save(update_fields=["status", "progress", "error", "started_at"])
    inputs = run.inputs
    start, end, by = date.fromisoformat(inputs["start"]), date.fromisoformat(inputs["end"]), inputs["by"]
    codes = [r["code"] for r in inputs["regions"]]
    try:
        per_indicator = []
        for step, item in enumerate(inputs["indicators"], start=1):
            weight = Decimal(item["weight"])
            if item["source"] == MANUAL:
                given = inputs["manual_scores"].get(item["code"], {})
                values = {code: Decimal(given.get(code, "0")) for code in codes}
                scores = {
                    code: min(max(value, Decimal(0)), weight).quantize(scoring.CENT)
                    for code, value in values.items()
                }
            else:
                found = SOURCES[item["source"]].compute(start, end, by=by, regions=codes)
                values = {code: Decimal(found.get(code, 0)).quantize(scoring.CENT) for code in codes}
                scores = scoring.indicator_scores(values, weight)
            per_indicator.append((item, values, scores))
            _progress(run, int(step * 90 / len(inputs["indicators"])))
        totals = {code: sum((s[code] for _, _, s in per_indicator), Decimal(0)) for code in codes}
        ranks = scoring.ranks(totals)
        awards = scoring.awards(
            ranks, [Decimal(a) for a in inputs["award_table"]], Decimal(inputs["award_cap"])
        )
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.RUNNING:  # given up as stale meanwhile: the results are void
                return run
            RunResult.objects.filter(run=run).delete()
            RunResult.objects.bulk_create(
                [
                    RunResult(
                        run=run,
                        region=regions[code],
                        rank=ranks[code],
                        total_score=totals[code].quantize(scoring.CENT),
                        award=awards[code],
                        indicators=[
                            {"code": item["code"], "value": str(values[code]), "score": str(scores[code])}
                            for item, values, scores in per_indicator
                        ],
                    )
                    for code in codes
                ]
            )
            run.status, run.progress, run.finished_at = RunStatus.DONE, 100, timezone.now()
            run.save(update_fields=["status", "progress", "finished_at"])
        return run
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, SoftTimeLimitExceeded):
            error = f"计算超过时限（{settings.EVALUATION_RUN_TIME_LIMIT} 秒），已中止；请重新计算。"
        Run.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error=error, finished_at=timezone.now()
        )
        raise


@transaction.atomic
def publish_run(*, actor: User | None, run: Run) -> Run:
    """City staff publish a finished run; from then on it never changes."""
    _require_city(actor, "只有市级用户可以发布评价结果。")
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DONE:
        raise TransitionNotAllowed(
            f"评价计算当前状态为“{run.get_status_display()}”，只有已完成的草稿可以发布。"
        )
    run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, timezone.now(), actor
    run._history_user = actor
    run.save()
    return run


@transaction.atomic
def update_run_note(*, actor: User | None, run: Run, note: str) -> Run:
    """Annotate a draft run before publication; a published run never changes (409)."""
    _require_city(actor, "只有市级用户可以修改评价计算。")
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.PUBLISHED:
        raise TransitionNotAllowed("已发布的评价结果不能修改；如需更正，请重新计算并发布新的结果。")
    run.note = note
    run._history_user = actor
    run.save(update_fields=["note"])
    return run
