"""The metrics an indicator may be computed from: evaluation reads the domain apps (and the programmes'
重点招商项目库) only through their ``metrics`` modules (ARCHITECTURE.md). Each source answers ``{region code: Decimal}`` for a period and a
level (``by="region"`` or ``"park"``), and can list the records behind one region's number."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from buildings import metrics as building_metrics
from enterprises import metrics as enterprise_metrics
from programmes import metrics as programme_metrics
from scenarios import metrics as scenario_metrics

MANUAL = "manual"


@dataclass(frozen=True)
class Source:
    label: str
    unit: str
    compute: Callable  # (start, end, *, by, regions) -> {code: Decimal}
    records: Callable  # (start, end, *, code, by) -> [{"label", "detail", "value", ...}]


def _sum(*functions):
    def compute(start, end, *, by, regions):
        totals: dict[str, Decimal] = {}
        for function in functions:
            for code, value in function(start, end, by=by, regions=regions).items():
                totals[code] = totals.get(code, Decimal(0)) + value
        return totals

    return compute


def _chain(*functions):
    def records(start, end, *, code, by):
        return [row for function in functions for row in function(start, end, code=code, by=by)]

    return records


def _with_relocations(function):
    def call(*args, **kwargs):
        return function(*args, exclude_relocated=False, **kwargs)

    return call


SOURCES: dict[str, Source] = {
    "new_acquired_area": Source(
        "新增收储面积", "㎡", building_metrics.acquired_area_added, building_metrics.acquired_area_records
    ),
    "new_used_area": Source(
        "新增使用面积", "㎡", building_metrics.used_area_added, building_metrics.used_area_records
    ),
    "acquired_and_used_area": Source(
        "新增收储和使用面积",
        "㎡",
        _sum(building_metrics.acquired_area_added, building_metrics.used_area_added),
        _chain(building_metrics.acquired_area_records, building_metrics.used_area_records),
    ),
    "new_enterprises": Source(
        "新增企业数（不含市内迁移）",
        "家",
        enterprise_metrics.new_enterprises,
        enterprise_metrics.new_enterprises_records,
    ),
    "new_enterprises_with_relocations": Source(
        "新增企业数（含市内迁移）",
        "家",
        _with_relocations(enterprise_metrics.new_enterprises),
        _with_relocations(enterprise_metrics.new_enterprises_records),
    ),
    "new_employees": Source(
        "新增从业人员", "人", enterprise_metrics.new_employees, enterprise_metrics.new_employees_records
    ),
    "landed_projects": Source(
        "招商项目落地", "个", programme_metrics.landed_projects, programme_metrics.landed_projects_records
    ),
    # The scenario scheme (004 §3.2.1: 场景建设组织情况).
    "published_scenarios": Source(
        "发布场景数", "个", scenario_metrics.published_count, scenario_metrics.published_records
    ),
    "awarded_amount": Source(
        "揭榜金额", "万元", scenario_metrics.awarded_amount, scenario_metrics.awarded_records
    ),
    "delivered_scenarios": Source(
        "落地场景数", "个", scenario_metrics.delivered_count, scenario_metrics.delivered_records
    ),
}


def source_choices() -> list[tuple[str, str]]:
    return [(name, source.label) for name, source in SOURCES.items()] + [(MANUAL, "人工评分")]
