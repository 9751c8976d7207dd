"""Reads of the evaluation app: a run's table, its differences from the published run, a scorecard."""

from datetime import date
from decimal import Decimal

from .choices import RunStatus
from .indicators import MANUAL, SOURCES
from .models import Run


def results_table(run: Run) -> list[dict]:
    """The run's results in rank order, in the API's shape."""
    return [
        {
            "region": result.region.code,
            "region_name": result.region.name,
            "rank": result.rank,
            "total_score": f"{result.total_score:.2f}",
            "award": f"{result.award:.2f}",
            "indicators": result.indicators,
        }
        for result in run.results.select_related("region").order_by("rank", "region__sort_order")
    ]


def published_run(run: Run) -> Run | None:
    return (
        Run.objects.filter(scheme_id=run.scheme_id, status=RunStatus.PUBLISHED)
        .exclude(pk=run.pk)
        .order_by("-published_at")
        .first()
    )


def diff_from_published(run: Run) -> list[dict] | None:
    """Per region, how this draft differs from the scheme's latest published run (rank, score, award);
    None for a published run or when nothing has been published."""
    if run.status == RunStatus.PUBLISHED:
        return None
    published = published_run(run)
    if published is None:
        return None
    before = {row["region"]: row for row in results_table(published)}
    changes = []
    for row in results_table(run):
        old = before.get(row["region"])
        if old is None:
            changes.append({"region": row["region"], "region_name": row["region_name"], "new": True})
            continue
        change = {
            "region": row["region"],
            "region_name": row["region_name"],
            "rank": [old["rank"], row["rank"]],
            "total_score": [old["total_score"], row["total_score"]],
            "award": [old["award"], row["award"]],
        }
        change["changed"] = any(pair[0] != pair[1] for key, pair in change.items() if isinstance(pair, list))
        changes.append(change)
    return changes


def scorecard(run: Run, code: str) -> dict | None:
    """One region's scorecard: each indicator's value, score, rank among the regions, and the records that
    make the number (computed indicators), or the manual score's comment."""
    results = list(run.results.select_related("region"))
    mine = next((r for r in results if r.region.code == code), None)
    if mine is None:
        return None
    inputs = run.inputs
    start, end, by = date.fromisoformat(inputs["start"]), date.fromisoformat(inputs["end"]), inputs["by"]
    rows = []
    for position, item in enumerate(inputs["indicators"]):
        scores = sorted((Decimal(r.indicators[position]["score"]) for r in results), reverse=True)
        own = mine.indicators[position]
        source = SOURCES.get(item["source"])
        rows.append(
            {
                **item,
                "value": own["value"],
                "score": own["score"],
                "rank": 1 + sum(1 for s in scores if s > Decimal(own["score"])),
                "unit": source.unit if source else "分",
                "source_label": source.label if source else "人工评分",
                "records": source.records(start, end, code=code, by=by) if source else [],
                "manual": item["source"] == MANUAL,
            }
        )
    return {"result": mine, "rows": rows, "count": len(results)}
