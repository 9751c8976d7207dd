"""The ranking and each scorecard as .xlsx, with the scheme's parameters on a sheet of their own."""

from decimal import Decimal

from portal import xlsx

from .choices import EvaluationPeriod
from .selectors import results_table


def _parameters(workbook, run) -> None:
    inputs = run.inputs
    rows = [
        ["方案", inputs["name"]],
        ["年度", inputs["year"]],
        ["评价期", EvaluationPeriod(inputs["period"]).label],
        ["数据区间", f"{inputs['start']} 至 {inputs['end']}"],
        ["参评区域", "、".join(r["name"] for r in inputs["regions"])],
        ["评分方法", "指标值 ÷ 最佳值 × 权重，负值得 0 分；人工评分指标按评分计入"],
        ["并列规则", "总分相同者名次并列，所占名次的奖励合并后平分"],
        ["奖励表（万元）", "、".join(inputs["award_table"]) or "无"],
        ["单个区域奖励上限（万元）", inputs["award_cap"]],
        ["计算编号", run.pk],
        ["状态", run.get_status_display()],
    ]
    rows += [[f"指标：{i['name']}", f"权重 {i['weight']}，来源 {i['source']}"] for i in inputs["indicators"]]
    xlsx.add_sheet(workbook, "方案参数", ["项目", "内容"], rows)


def ranking_workbook(run):
    workbook = xlsx.new_workbook()
    names = [i["name"] for i in run.inputs["indicators"]]
    header = [
        "名次",
        "区域",
        "总分",
        "奖励（万元）",
        *[f"{n}（值）" for n in names],
        *[f"{n}（得分）" for n in names],
    ]
    rows = [
        [
            r["rank"],
            r["region_name"],
            Decimal(r["total_score"]),
            Decimal(r["award"]),
            *[Decimal(i["value"]) for i in r["indicators"]],
            *[Decimal(i["score"]) for i in r["indicators"]],
        ]
        for r in results_table(run)
    ]
    xlsx.add_sheet(workbook, "排名", header, rows)
    _parameters(workbook, run)
    return workbook


def scorecard_workbook(run, card):
    workbook = xlsx.new_workbook()
    result = card["result"]
    rows = [
        [row["name"], row["weight"], Decimal(row["value"]), row["unit"], Decimal(row["score"]), row["rank"]]
        for row in card["rows"]
    ]
    rows.append(["合计", "100", None, None, result.total_score, result.rank])
    xlsx.add_sheet(workbook, "得分卡", ["指标", "权重", "指标值", "单位", "得分", "单项名次"], rows)
    detail = [
        [row["name"], record["label"], record.get("detail", ""), record["value"]]
        for row in card["rows"]
        for record in row["records"]
    ]
    xlsx.add_sheet(workbook, "数据明细", ["指标", "记录", "说明", "计入值"], detail)
    _parameters(workbook, run)
    return workbook
