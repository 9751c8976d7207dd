"""Page forms: they parse input only. The rules (areas, capacity, overlaps, batches) are the services'."""

from django import forms

from enterprises.choices import SupportKind
from enterprises.models import Enterprise
from portal.choices import RegionKind, Role
from portal.models import Region

from .choices import RenovationStatus, TurnkeyItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def area(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        required=required,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class BuildingForm(forms.Form):
    name = forms.CharField(label="楼宇名称", max_length=200)
    region = forms.ModelChoiceField(label="所属区域", queryset=Region.objects.none())
    park = forms.ModelChoiceField(label="所属园区（可选）", queryset=Region.objects.none(), required=False)
    address = forms.CharField(label="地址", max_length=300)
    owner = forms.CharField(label="产权单位", max_length=200)
    operator = forms.CharField(label="运营团队", max_length=200, required=False)
    gross_area = area("建筑面积（㎡）")
    acquired_area = area("收储面积（㎡）")
    acquired_on = forms.DateField(label="收储日期", widget=DATE)
    letting_area = area("可招商面积（㎡）")
    incubation_area = area("双创空间面积（㎡）", required=False)
    renovation_status = forms.ChoiceField(label="改造状态", choices=RenovationStatus.choices)
    renovation_on = forms.DateField(label="改造状态日期", widget=DATE, required=False)
    turnkey_checklist = forms.MultipleChoiceField(
        label="“拎包入住”条件",
        choices=TurnkeyItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    policy_text = forms.CharField(label="一楼一策", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    support_types = forms.MultipleChoiceField(
        label="提供的支持政策",
        choices=SupportKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(label="联系人（不公开）", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话（不公开）", max_length=30, required=False)
    notes = forms.CharField(
        label="内部备注（不公开）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # The version the editor loaded: saving over someone else's later change is refused. Like If-Match on
    # the API it is not required (a script posting the form without it is not checked).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, actor, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not editing:
            del self.fields["version"]
        if editing:
            # A change of acquired area or renovation status is recorded on the date given here: never
            # prefilled, so an old date is not reused by accident.
            self.fields["acquired_on"].required = False
            self.fields["acquired_on"].label = "收储面积变更日期"
            self.fields[
                "acquired_on"
            ].help_text = "修改收储面积时填写本次变更的日期，留空则为今天；只填日期则更正最近一次收储的日期。"
            self.fields["renovation_on"].label = "改造状态变更日期"
            self.fields["renovation_on"].help_text = "修改改造状态时填写，留空则为今天。"
        else:
            self.fields["acquired_on"].help_text = ""
        parks = Region.objects.filter(kind=RegionKind.PARK).select_related("parent")
        if actor.role == Role.DISTRICT:
            del self.fields["region"]
            parks = parks.filter(parent_id=actor.region_id)
        else:
            self.fields["region"].queryset = Region.objects.top_level()
        self.fields["park"].queryset = parks
        if not parks.exists():
            del self.fields["park"]

    def __iter__(self):
        # portal/_form.html lays out every field it iterates; the hidden version goes in as {{ form.version }}.
        return (field for field in super().__iter__() if not field.is_hidden)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # hidden: the editor cannot correct it, only reload the page
            self.add_error(None, "楼宇版本信息无效，请刷新页面后重试。")
        if "region" not in self.fields:
            data["region"] = self.actor.region
        if data.get("incubation_area") is None:
            data["incubation_area"] = 0
        return data

    @classmethod
    def initial_for(cls, building) -> dict:
        dated = {"region", "park", "acquired_on", "renovation_on"}
        return {
            field: getattr(building, field)
            for field in cls.base_fields
            if hasattr(building, field) and field not in dated
        } | {"region": building.region_id, "park": building.park_id}


class OccupancyForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    area = area("使用面积（㎡）")
    start_date = forms.DateField(label="入驻日期", widget=DATE)
    end_date = forms.DateField(label="迁出日期（仍在使用则留空）", widget=DATE, required=False)

    def __init__(self, *args, actor, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(actor).order_by("name")


class DesignateForm(forms.Form):
    batch = forms.IntegerField(label="批次（第几批）", min_value=1)
    designated_on = forms.DateField(label="授牌日期", widget=DATE)


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", widget=forms.Textarea(attrs={"rows": 3}))
