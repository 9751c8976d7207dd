"""Excel import (and export columns) of the enterprise registry and the monthly reports, through
``enterprises.services`` — the same calls the forms and the API make."""

from __future__ import annotations

from portal.choices import Role
from portal.imports import (
    BOOL,
    CHOICE,
    CREATED,
    DATE,
    DECIMAL,
    INT,
    MULTI,
    PERIOD,
    REGION,
    ROW_ERRORS,
    TEXT,
    UNCHANGED,
    UPDATED,
    Column,
    ImportKind,
    RowError,
    RowRefused,
    chunks,
)

from . import services
from .choices import ArrivalOrigin, FocusTag, Industry, ReportStatus, TierLevel
from .models import FIGURE_FIELDS, Enterprise, MonthlyReport


def _uscc(value) -> str:
    return (value or "").strip().upper()


class EnterpriseImport(ImportKind):
    """企业名录, keyed by 统一社会信用代码: a new code registers an enterprise, a known one updates it."""

    slug = "enterprises"
    title = "企业名录"
    sheet = "企业"
    model = Enterprise
    key_columns = ("uscc",)
    notes = (
        "按统一社会信用代码识别企业：库中没有的登记为新企业，已有的按表中内容更新，内容相同的不作改动（重复导入"
        "同一文件不会产生变化）。区县用户只能导入本区域的企业。"
    )
    columns = (
        Column("uscc", "统一社会信用代码", TEXT, required=True, note="18 位，含校验位。", width=22),
        Column("name", "企业名称", TEXT, required=True, width=30),
        Column("region", "所属区域", REGION, required=True, note="区县或开发区。"),
        Column(
            "park",
            "所属园区",
            REGION,
            regions="park",
            note="所属区域下的园区（如北碚区的园城），没有则留空。",
        ),
        Column("address", "注册地址", TEXT, width=30),
        Column("industry", "产业方向", CHOICE, required=True, choices=tuple(Industry.choices)),
        Column("tags", "重点领域", MULTI, choices=tuple(FocusTag.choices), note="可多选，用“、”分隔。"),
        Column("arrival_date", "入驻日期", DATE, note="不能晚于今天。"),
        Column(
            "arrival_origin", "入驻来源", CHOICE, choices=tuple(ArrivalOrigin.choices), note="留空为新设立。"
        ),
        Column("relocated_from", "迁出区域", REGION, note="入驻来源为“市内迁移”时必填，其他情况留空。"),
        Column("reporting", "纳入月报", BOOL, note="留空为“是”。"),
        Column("contact_name", "联系人", TEXT),
        Column("contact_phone", "联系电话", TEXT),
        Column("contact_email", "联系邮箱", TEXT, width=24),
        Column(
            "tier",
            "梯度",
            CHOICE,
            choices=tuple(TierLevel.choices),
            importable=False,
            note="导出时附带，导入时忽略。",
        ),
    )
    examples = (
        {
            "uscc": "91500103MA0000001X",
            "name": "重庆示例软件有限公司",
            "region": "渝中区",
            "address": "重庆市渝中区示例路 1 号",
            "industry": "软件开发",
            "tags": "工业软件、基础软件",
            "arrival_date": "2024-03-01",
            "arrival_origin": "新设立",
            "reporting": "是",
            "contact_name": "张三",
            "contact_phone": "023-12345678",
        },
        {
            "uscc": "91500112MA0000002Y",
            "name": "重庆示例数据服务有限公司",
            "region": "渝北区",
            "industry": "数据服务",
            "arrival_date": "2023-07-15",
            "arrival_origin": "市内迁移",
            "relocated_from": "渝中区",
            "reporting": "是",
        },
    )
    field_columns = {"uscc": "uscc"}

    def prepare(self, rows):
        codes = sorted({_uscc(r["uscc"]) for r in rows})
        self.existing = {}
        for chunk in chunks(codes):
            for enterprise in (
                Enterprise.objects.visible_to(self.actor)
                .filter(uscc__in=chunk)
                .select_related("region", "park", "relocated_from")
                .prefetch_related("tags")
            ):
                self.existing[enterprise.uscc] = enterprise

    def check_scope(self, values):
        self.district_region_error(values, "region", "企业")

    def row_key(self, values):
        return (_uscc(values["uscc"]),)

    def _fields(self, values) -> dict:
        fields = {k: v for k, v in values.items() if k not in ("uscc", "tags")}
        fields["arrival_origin"] = fields.get("arrival_origin") or ArrivalOrigin.NEW
        fields["reporting"] = True if fields.get("reporting") is None else fields["reporting"]
        for name in ("name", "address", "contact_name", "contact_phone", "contact_email"):
            fields[name] = fields.get(name) or ""
        return fields

    def apply(self, values):
        fields = self._fields(values)
        tags = values.get("tags") or []
        enterprise = self.existing.get(_uscc(values["uscc"]))
        if enterprise is None:
            created = services.create_enterprise(actor=self.actor, uscc=values["uscc"], tags=tags, **fields)
            self.existing[created.uscc] = created
            return CREATED
        current = self.export_values(enterprise)
        changes = {k: v for k, v in fields.items() if current.get(k) != v}
        tags_changed = set(tags) != set(current["tags"])
        if not changes and not tags_changed:
            return UNCHANGED
        services.update_enterprise(
            actor=self.actor, enterprise=enterprise, tags=tags if tags_changed else None, **changes
        )
        return UPDATED

    def export_queryset(self, queryset):
        return queryset.select_related("region", "park", "relocated_from").prefetch_related("tags")

    def export_values(self, obj):
        values = {c.key: getattr(obj, c.key, None) for c in self.columns if c.key != "tags"}
        values["tags"] = sorted((t.tag for t in obj.tags.all()), key=FocusTag.values.index)
        values["tier"] = obj.tier or None
        return values


MONEY_HEADERS = {
    name: (
        str(MonthlyReport._meta.get_field(name).verbose_name)
        if name in ("employees", "export_usd")
        else f"{MonthlyReport._meta.get_field(name).verbose_name}（万元）"
    )
    for name in FIGURE_FIELDS
}


class MonthlyReportImport(ImportKind):
    """企业月报, keyed by enterprise + 报告期. Imported by a district officer, new or changed reports arrive as
    submitted (报送) for review; imported by city staff, as drafts (the service lets only the enterprise or
    its district officer submit). A report whose figures equal the row is left as it is, whatever its state.
    Figures are cumulative from January, as in the monthly form."""

    slug = "monthly-reports"
    title = "企业月报"
    sheet = "月报"
    model = MonthlyReport
    key_columns = ("uscc", "period")
    notes = (
        "一行为一家企业一个月的月报，按“统一社会信用代码 + 报告期”识别：已有的按表中数字更新（只有草稿或已退回的"
        "月报可以修改），数字相同的不作改动。金额为本年 1 月至报告月的累计数（万元），软件业务出口为万美元；"
        "软件业务收入由四项自动相加，不必填写。区县用户导入的月报直接进入“已报送”状态，等待本区域审核；"
        "市级用户导入的月报为草稿。"
    )
    columns = (
        Column("uscc", "统一社会信用代码", TEXT, required=True, width=22),
        Column(
            "enterprise_name", "企业名称", TEXT, importable=False, note="导出时附带，导入时忽略。", width=30
        ),
        Column("period", "报告期", PERIOD, required=True, note="YYYY-MM，只能是已经结束的月份。"),
        *(
            Column(
                name,
                MONEY_HEADERS[name],
                INT if name == "employees" else DECIMAL,
                required=True,
                note=(
                    "月末人数。"
                    if name == "employees"
                    else "可以为负数。"
                    if name == "profit"
                    else "本年累计数，不能低于上月。"
                ),
            )
            for name in FIGURE_FIELDS
        ),
        Column(
            "software_revenue",
            "软件业务收入（万元）",
            DECIMAL,
            importable=False,
            note="四项之和，导入时忽略。",
        ),
        Column(
            "status",
            "状态",
            CHOICE,
            choices=tuple(ReportStatus.choices),
            importable=False,
            note="导入时忽略。",
        ),
    )
    field_columns = {"enterprise": "uscc", "report": "period"}

    @classmethod
    def _example(cls, month: int, scale: int) -> dict:
        figures = dict.fromkeys(FIGURE_FIELDS, 0)
        figures.update(
            employees=120,
            operating_revenue=800 * scale,
            software_product_revenue=300 * scale,
            basic_software_revenue=50 * scale,
            it_service_revenue=350 * scale,
            cloud_revenue=100 * scale,
            profit=-15.5 * scale,
            rd_expense=60 * scale,
            payroll=240 * scale,
        )
        return {"uscc": "91500103MA0000001X", "period": f"2025-{month:02d}", **figures}

    examples = ()

    def row_key(self, values):
        return (_uscc(values["uscc"]), values["period"])

    def _submits(self) -> bool:
        return self.actor is not None and self.actor.role == Role.DISTRICT

    def apply_batch(self, rows, *, write):
        """Every row through one ``services.ReportBatch``: the checks of create/update/submit, in file order,
        each row against the database and the rows above it; written at the end, in a fixed number of
        queries, when ``write`` and every row passed."""
        enterprises = {}
        for chunk in chunks(sorted({_uscc(values["uscc"]) for values in rows})):
            for enterprise in Enterprise.objects.visible_to(self.actor).filter(uscc__in=chunk):
                enterprises[enterprise.uscc] = enterprise
        batch = services.ReportBatch(
            actor=self.actor,
            enterprises=enterprises.values(),
            periods={values["period"] for values in rows},
            saving=write,
        )
        outcomes = []
        for values in rows:
            try:
                outcomes.append(self._file(batch, enterprises.get(_uscc(values["uscc"])), values))
            except ROW_ERRORS as exc:
                outcomes.append(exc)
        if write and not any(isinstance(outcome, Exception) for outcome in outcomes):
            batch.save()
        return outcomes

    def _file(self, batch, enterprise, values) -> str:
        if enterprise is None:
            raise RowRefused(
                [
                    RowError(
                        "统一社会信用代码",
                        f"统一社会信用代码“{values['uscc']}”对应的企业不存在或不在您管辖的区域内，请先登记企业。",
                    )
                ]
            )
        figures = {name: values[name] for name in FIGURE_FIELDS}
        report = batch.get(enterprise, values["period"])
        # Identical figures leave a report as it is, whatever its state: export → import changes nothing.
        if report is not None and all(getattr(report, name) == value for name, value in figures.items()):
            return UNCHANGED
        batch.file(enterprise=enterprise, period=values["period"], submit=self._submits(), **figures)
        return CREATED if report is None else UPDATED

    def export_queryset(self, queryset):
        return queryset.select_related("enterprise")

    def export_values(self, obj):
        values = {name: getattr(obj, name) for name in FIGURE_FIELDS}
        values.update(
            uscc=obj.enterprise.uscc,
            enterprise_name=obj.enterprise.name,
            period=obj.period,
            software_revenue=obj.software_revenue,
            status=obj.status,
        )
        return values


MonthlyReportImport.examples = (MonthlyReportImport._example(1, 1), MonthlyReportImport._example(2, 2))

KINDS = (EnterpriseImport, MonthlyReportImport)
