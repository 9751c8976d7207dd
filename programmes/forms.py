from django import forms

from portal.choices import RegionKind, Role
from portal.models import Region

from .choices import WorkItemStatus
from .metrics import metric_choices
from .models import Event, InvestmentProject, Programme, ProgressEntry, Target, WorkItemNote
from .services import EVENT_FIELDS, PROJECT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceValidatedForm(forms.ModelForm):
    def _post_clean(self):
        """Model validation is the service's job (with its Chinese messages); skip ModelForm's."""


class ProgrammeForm(ServiceValidatedForm):
    class Meta:
        model = Programme
        fields = [
            "code",
            "doc_number",
            "title",
            "short_name",
            "issuer",
            "issued_on",
            "period_start",
            "period_end",
            "region",
            "source_url",
            "summary",
            "published",
        ]
        widgets = {"issued_on": DATE, "period_start": DATE, "period_end": DATE}

    source_url = forms.URLField(label="原文链接", required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.top_level()
        self.fields["code"].validators = []


class TargetForm(ServiceValidatedForm):
    metric = forms.ChoiceField(label="进度来源", choices=[("", "请选择")] + metric_choices(), required=False)

    class Meta:
        model = Target
        fields = ["name", "metric", "unit", "year", "region", "comparison", "target_value", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.exclude(kind=RegionKind.PARK)
        self.fields["region"].empty_label = "全市"


class ProgressEntryForm(ServiceValidatedForm):
    class Meta:
        model = ProgressEntry
        fields = ["reported_on", "value", "evidence"]
        widgets = {"reported_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].required = False  # the service refuses an empty one with its message


class WorkItemNoteForm(ServiceValidatedForm):
    status = forms.ChoiceField(label="更新后状态", choices=WorkItemStatus.choices)

    class Meta:
        model = WorkItemNote
        fields = ["noted_on", "status", "note"]
        widgets = {"noted_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noted_on"].required = False  # the service dates it today
        self.fields["note"].required = False  # the service refuses an empty one with its message


def _regions_for(actor, *, optional: bool):
    if actor.role == Role.DISTRICT:
        return Region.objects.filter(pk=actor.region_id), False
    return Region.objects.top_level(), optional


class InvestmentProjectForm(ServiceValidatedForm):
    class Meta:
        model = InvestmentProject
        fields = list(PROJECT_FIELDS)
        widgets = {"signed_on": DATE, "landed_on": DATE}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset, _ = _regions_for(actor, optional=False)
        if actor.role == Role.DISTRICT:
            self.fields["region"].initial = actor.region_id
        self.fields["park"].queryset = Region.objects.filter(kind=RegionKind.PARK)


class EventForm(ServiceValidatedForm):
    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {"held_on": DATE}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        queryset, optional = _regions_for(actor, optional=True)
        self.fields["region"].queryset = queryset
        self.fields["region"].required = not optional
        self.fields["region"].empty_label = "市级活动"
        if actor.role == Role.DISTRICT:
            self.fields["region"].initial = actor.region_id
