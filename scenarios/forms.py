from django import forms

from portal.choices import Role
from portal.models import Region

from .models import Scenario

DATE = {"type": "date"}


def date_input():
    """A native date picker: its value must be ISO (YYYY-MM-DD), whatever the locale's date format."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = [
            "title",
            "region",
            "domain",
            "owner_type",
            "owner_unit",
            "scope",
            "funding_amount",
            "funding_source",
            "deadline",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 6}),
            "deadline": date_input(),
            "funding_amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        }
        help_texts = {"deadline": "可在发布时再确定；不填则为发布日期加默认揭榜期限。"}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.top_level()
        if actor.role == Role.DISTRICT:
            self.fields["region"].queryset = Region.objects.filter(pk=actor.region_id)
            self.fields["region"].initial = actor.region_id
            self.fields["region"].empty_label = None
        if self.instance.pk and self.instance.level == "district":
            self.fields["region"].disabled = True

    def _post_clean(self):
        """Model validation is the service's job (with its Chinese messages); skip ModelForm's."""


class PublishForm(forms.Form):
    deadline = forms.DateField(
        label="揭榜截止日期",
        required=False,
        widget=date_input(),
        help_text="不填则按登记的截止日期或默认期限",
    )


class StartForm(forms.Form):
    started_on = forms.DateField(label="开始实施日期", required=False, widget=date_input())


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label="落地日期", required=False, widget=date_input())
    evidence = forms.CharField(
        label="落地证明",
        max_length=500,
        required=False,
        help_text="验收报告、上线通知等文件的名称、文号或链接",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="终止原因", max_length=500, required=False)


class ApplicationForm(forms.Form):
    proposal = forms.CharField(
        label="揭榜方案",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="技术方案、实施计划、团队和类似项目经验。",
    )
    attachment = forms.FileField(label="方案附件（可选）", required=False)


class AwardForm(forms.Form):
    """定榜: a checkbox and an amount for each applicant, built from the scenario's applications."""

    awarded_on = forms.DateField(label="定榜日期", required=False, widget=date_input())

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for application in self.applications:
            self.fields[f"win_{application.pk}"] = forms.BooleanField(
                label=application.enterprise.name, required=False
            )
            self.fields[f"amount_{application.pk}"] = forms.DecimalField(
                label=f"{application.enterprise.name} 中榜金额（万元）",
                max_digits=12,
                decimal_places=2,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
            )

    def rows(self):
        return [(a, self[f"win_{a.pk}"], self[f"amount_{a.pk}"]) for a in self.applications]

    def winners(self) -> list[dict]:
        return [
            {"application": a, "amount": self.cleaned_data.get(f"amount_{a.pk}")}
            for a in self.applications
            if self.cleaned_data.get(f"win_{a.pk}")
        ]
