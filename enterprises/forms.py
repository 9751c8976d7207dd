from django import forms

from portal.choices import Role
from portal.models import Region, User

from .choices import FocusTag, HonourKind, PoolDecisionKind, PoolLevel
from .models import CONTACT_FIELDS, FIGURE_FIELDS, Enterprise, MonthlyReport, SupportGrant


class EnterpriseForm(forms.ModelForm):
    tags = forms.MultipleChoiceField(
        label="重点领域", choices=FocusTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
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
        ]
        widgets = {"arrival_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("uscc",):  # checked by the service, with its own message
            self.fields[name].validators = []
        self.fields["region"].queryset = Region.objects.top_level()
        self.fields["park"].queryset = Region.objects.filter(kind="park")
        self.fields["relocated_from"].queryset = Region.objects.top_level()
        building = Enterprise._meta.get_field("building").related_model
        self.fields["building"].queryset = building.objects.visible_to(actor).select_related("region")
        self.fields["service_officer"].queryset = User.objects.filter(
            role__in=[Role.CITY, Role.DISTRICT], is_active=True
        ).select_related("region")
        if actor.role == Role.DISTRICT:
            self.fields["region"].queryset = Region.objects.filter(pk=actor.region_id)
            self.fields["region"].initial = actor.region_id
            self.fields["service_officer"].queryset = self.fields["service_officer"].queryset.filter(
                region=actor.region_id
            )
        if self.instance.pk:
            self.fields["uscc"].disabled = True
            self.fields["tags"].initial = [tag.tag for tag in self.instance.tags.all()]

    def _post_clean(self):
        """Model validation is the service's job (with its Chinese messages); skip ModelForm's."""


class ContactForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(CONTACT_FIELDS)

    def _post_clean(self):
        pass


class HonourForm(forms.Form):
    kind = forms.ChoiceField(label="荣誉类型", choices=HonourKind.choices)
    year = forms.IntegerField(label="年度", min_value=1990)
    evidence = forms.CharField(label="证明材料", max_length=300, required=False)


class SupportGrantForm(forms.ModelForm):
    class Meta:
        model = SupportGrant
        fields = ["kind", "amount", "granted_on", "note"]
        widgets = {"granted_on": forms.DateInput(attrs={"type": "date"})}

    def _post_clean(self):
        pass


class ReportForm(forms.ModelForm):
    period = forms.CharField(label="报告期（YYYY-MM）", max_length=7)
    field_order = ["period", *FIGURE_FIELDS]

    class Meta:
        model = MonthlyReport
        fields = list(FIGURE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIGURE_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        if self.instance.pk:
            del self.fields["period"]

    def clean_period(self):
        from django.core.exceptions import ValidationError

        from portal.periods import parse_period

        try:
            return parse_period(self.cleaned_data["period"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def _post_clean(self):
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500)


class PoolAdmitForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.filter(pool__isnull=True))
    level = forms.ChoiceField(label="培育层级", choices=PoolLevel.choices)
    reason = forms.CharField(label="入库理由", max_length=500)


class PoolDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="决定",
        choices=[(k, v) for k, v in PoolDecisionKind.choices if k != PoolDecisionKind.ADMIT],
    )
    level = forms.ChoiceField(
        label="新层级（升级或降级时）", choices=[("", "—"), *PoolLevel.choices], required=False
    )
    reason = forms.CharField(label="理由", max_length=500)
