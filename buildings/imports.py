"""Excel import (and export columns) of the building ledger and the occupancies, through
``buildings.services`` — the same calls the forms and the API make."""

from __future__ import annotations

from enterprises.choices import SupportKind
from enterprises.models import Enterprise
from portal.imports import (
    CHOICE,
    CREATED,
    DATE,
    DECIMAL,
    INT,
    MULTI,
    REGION,
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
from .choices import RenovationStatus, TurnkeyItem
from .models import ZERO, Building, Occupancy


class BuildingImport(ImportKind):
    """存量楼宇台账, keyed by 楼宇名称 + 所属区域."""

    slug = "buildings"
    title = "楼宇台账"
    sheet = "楼宇台账"
    model = Building
    key_columns = ("name", "region")
    notes = (
        "按“楼宇名称 + 所属区域”识别楼宇：没有的登记为新楼宇，已有的按表中内容更新，内容相同的不作改动。收储面积"
        "变化时，收储日期即本次变更的日期；改造状态变化时，改造状态日期即变更日期（留空为今天）。使用面积、入驻率"
        "由入驻记录计算，导入时忽略。区县用户只能导入本区域的楼宇。"
    )
    columns = (
        Column("name", "楼宇名称", TEXT, required=True, width=24),
        Column("region", "所属区域", REGION, required=True, note="区县或开发区。"),
        Column("park", "所属园区", REGION, regions="park", note="所属区域下的园区，没有则留空。"),
        Column("address", "地址", TEXT, required=True, width=30),
        Column("owner", "产权单位", TEXT, required=True, width=24),
        Column("operator", "运营团队", TEXT, width=20),
        Column("gross_area", "建筑面积（㎡）", DECIMAL, required=True, note="大于 0。"),
        Column("acquired_area", "收储面积（㎡）", DECIMAL, required=True, note="大于 0，不超过建筑面积。"),
        Column("acquired_on", "收储日期", DATE, required=True, note="当前收储面积生效的日期，不能晚于今天。"),
        Column("letting_area", "可招商面积（㎡）", DECIMAL, required=True, note="大于 0，不超过建筑面积。"),
        Column("incubation_area", "双创空间面积（㎡）", DECIMAL, note="留空为 0。"),
        Column(
            "renovation_status",
            "改造状态",
            CHOICE,
            choices=tuple(RenovationStatus.choices),
            note="留空为未改造。",
        ),
        Column("renovation_on", "改造状态日期", DATE, note="当前改造状态的日期。"),
        Column(
            "turnkey_checklist",
            "“拎包入住”条件",
            MULTI,
            choices=tuple(TurnkeyItem.choices),
            note="已具备的条件，可多选，用“、”分隔；七项全部具备即为具备“拎包入住”条件。",
            width=40,
        ),
        Column("policy_text", "一楼一策", TEXT, width=30),
        Column(
            "support_types",
            "支持政策类型",
            MULTI,
            choices=tuple(SupportKind.choices),
            note="可多选，用“、”分隔。",
        ),
        Column("contact_name", "联系人", TEXT),
        Column("contact_phone", "联系电话", TEXT),
        Column("notes", "内部备注", TEXT, width=30),
        Column("used_area", "使用面积（㎡）", DECIMAL, importable=False, note="由入驻记录计算，导入时忽略。"),
        Column("occupancy_rate", "入驻率（%）", DECIMAL, importable=False, note="导入时忽略。"),
        Column("enterprise_count", "在驻企业数", INT, importable=False, note="导入时忽略。"),
        Column("batch", "示范楼宇批次", INT, importable=False, note="导入时忽略。"),
    )
    examples = (
        {
            "name": "解放碑数字经济大厦",
            "region": "渝中区",
            "address": "重庆市渝中区民族路 100 号",
            "owner": "重庆渝中城市建设发展有限公司",
            "operator": "重庆示例运营管理有限公司",
            "gross_area": 32000,
            "acquired_area": 24000,
            "acquired_on": "2024-05-01",
            "letting_area": 20000,
            "incubation_area": 3000,
            "renovation_status": "已完成改造",
            "renovation_on": "2024-09-30",
            "turnkey_checklist": "公共区域和办公空间装修完成、网络通讯接入",
            "support_types": "租金减免、网络通讯",
        },
    )
    field_columns = {}

    def prepare(self, rows):
        names = sorted({r["name"].strip() for r in rows})
        self.existing = {}
        for chunk in chunks(names):
            for building in Building.objects.visible_to(self.actor).filter(name__in=chunk):
                self.existing[(building.name, building.region_id)] = building

    def check_scope(self, values):
        self.district_region_error(values, "region", "楼宇")

    def row_key(self, values):
        return (values["name"].strip(), values["region"].pk)

    def apply(self, values):
        fields = {c.key: values.get(c.key) for c in self.import_columns}
        fields["name"] = fields["name"].strip()
        fields["incubation_area"] = (
            fields["incubation_area"] if fields["incubation_area"] is not None else ZERO
        )
        fields["renovation_status"] = fields["renovation_status"] or RenovationStatus.NOT_STARTED
        for name in ("operator", "policy_text", "contact_name", "contact_phone", "notes"):
            fields[name] = fields[name] or ""
        building = self.existing.get((fields["name"], fields["region"].pk))
        if building is None:
            created = services.create_building(actor=self.actor, **fields)
            self.existing[(created.name, created.region_id)] = created
            return CREATED
        current = self.export_values(building)
        changes = {
            k: v for k, v in fields.items() if k not in ("acquired_on", "renovation_on") and current[k] != v
        }
        if "turnkey_checklist" in changes or "support_types" in changes:
            for name in ("turnkey_checklist", "support_types"):
                if set(fields[name]) == set(current[name]):
                    changes.pop(name, None)
        # A change of area or status is dated by its date column; a date alone corrects the latest change.
        if "acquired_area" in changes or fields["acquired_on"] != current["acquired_on"]:
            changes["acquired_on"] = fields["acquired_on"]
        renovation_on = fields["renovation_on"]
        if "renovation_status" in changes or (renovation_on and renovation_on != current["renovation_on"]):
            changes["renovation_on"] = renovation_on
        if not changes:
            return UNCHANGED
        services.update_building(actor=self.actor, building=building, **changes)
        return UPDATED

    def export_queryset(self, queryset):
        return queryset.select_related("region", "park")

    def export_values(self, obj):
        values = {c.key: getattr(obj, c.key, None) for c in self.columns}
        values["region"], values["park"] = obj.region, obj.park
        if hasattr(obj, "used_area"):
            from .models import occupancy_rate

            values["occupancy_rate"] = occupancy_rate(obj.used_area, obj.letting_area)
        return values


class OccupancyImport(ImportKind):
    """楼宇入驻, keyed by building (name + region) + enterprise (统一社会信用代码) + 入驻日期."""

    slug = "occupancies"
    title = "楼宇入驻"
    sheet = "入驻记录"
    model = Occupancy
    key_columns = ("building", "building_region", "uscc", "start_date")
    notes = (
        "一行为一家企业在一栋楼宇的一段入驻，按“楼宇名称 + 楼宇所在区域 + 企业统一社会信用代码 + 入驻日期”识别："
        "已有的按表中使用面积和迁出日期更新，相同的不作改动。楼宇须已在台账中，企业须已登记；使用面积合计不能超过"
        "楼宇的可招商面积。区县用户只能导入本区域楼宇和企业的入驻记录。"
    )
    columns = (
        Column("building", "楼宇名称", TEXT, required=True, width=24),
        Column("building_region", "楼宇所在区域", REGION, required=True),
        Column("uscc", "企业统一社会信用代码", TEXT, required=True, width=22),
        Column(
            "enterprise_name", "企业名称", TEXT, importable=False, note="导出时附带，导入时忽略。", width=30
        ),
        Column("area", "使用面积（㎡）", DECIMAL, required=True, note="大于 0。"),
        Column("start_date", "入驻日期", DATE, required=True),
        Column("end_date", "迁出日期", DATE, note="最后使用的一天；仍在使用则留空。"),
    )
    examples = (
        {
            "building": "解放碑数字经济大厦",
            "building_region": "渝中区",
            "uscc": "91500103MA0000001X",
            "area": 1200,
            "start_date": "2024-06-01",
        },
    )
    field_columns = {"enterprise": "uscc", "building": "building", "region": "building_region"}

    def prepare(self, rows):
        names = sorted({r["building"].strip() for r in rows})
        codes = sorted({r["uscc"].strip().upper() for r in rows})
        self.buildings, self.enterprises, self.existing = {}, {}, {}
        for chunk in chunks(names):
            for building in Building.objects.visible_to(self.actor).filter(name__in=chunk):
                self.buildings[(building.name, building.region_id)] = building
        for chunk in chunks(codes):
            for enterprise in Enterprise.objects.visible_to(self.actor).filter(uscc__in=chunk):
                self.enterprises[enterprise.uscc] = enterprise
        building_ids = [b.pk for b in self.buildings.values()]
        for chunk in chunks(building_ids):
            for occupancy in Occupancy.objects.visible_to(self.actor).filter(building_id__in=chunk):
                self.existing[(occupancy.building_id, occupancy.enterprise_id, occupancy.start_date)] = (
                    occupancy
                )

    def check_scope(self, values):
        self.district_region_error(values, "building_region", "入驻记录")

    def row_key(self, values):
        return (
            values["building"].strip(),
            values["building_region"].pk,
            values["uscc"].upper(),
            values["start_date"],
        )

    def apply(self, values):
        building = self.buildings.get((values["building"].strip(), values["building_region"].pk))
        enterprise = self.enterprises.get(values["uscc"].strip().upper())
        errors = []
        if building is None:
            errors.append(
                RowError(
                    "楼宇名称",
                    f"{values['building_region'].name}台账中没有名为“{values['building']}”的楼宇。",
                )
            )
        if enterprise is None:
            errors.append(
                RowError(
                    "企业统一社会信用代码",
                    f"统一社会信用代码“{values['uscc']}”对应的企业不存在或不在您管辖的区域内，请先登记企业。",
                )
            )
        if errors:
            raise RowRefused(errors)
        key = (building.pk, enterprise.pk, values["start_date"])
        occupancy = self.existing.get(key)
        if occupancy is None:
            created = services.create_occupancy(
                actor=self.actor,
                building=building,
                enterprise=enterprise,
                area=values["area"],
                start_date=values["start_date"],
                end_date=values["end_date"],
            )
            self.existing[key] = created
            return CREATED
        if occupancy.area == values["area"] and occupancy.end_date == values["end_date"]:
            return UNCHANGED
        services.update_occupancy(
            actor=self.actor, occupancy=occupancy, area=values["area"], end_date=values["end_date"]
        )
        return UPDATED

    def export_queryset(self, queryset):
        return queryset.select_related("building__region", "enterprise")

    def export_values(self, obj):
        return {
            "building": obj.building.name,
            "building_region": obj.building.region,
            "uscc": obj.enterprise.uscc,
            "enterprise_name": obj.enterprise.name,
            "area": obj.area,
            "start_date": obj.start_date,
            "end_date": obj.end_date,
        }


KINDS = (BuildingImport, OccupancyImport)
