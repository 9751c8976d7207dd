"""Pages of the programmes app: the city and district dashboards, the public progress page, programmes and
targets, the work-item ledger, investment projects and events. Thin: parse, call a service, render."""

from collections import defaultdict
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.api.base import ALL_ROLES
from portal.choices import Role
from portal.mixins import ScopedViewMixin, add_service_errors
from portal.models import Region

from . import selectors, services
from .filtersets import (
    EventFilterSet,
    InvestmentProjectFilterSet,
    ProgrammeFilterSet,
    TargetFilterSet,
    WorkItemFilterSet,
)
from .forms import (
    EventForm,
    InvestmentProjectForm,
    ProgrammeForm,
    ProgressEntryForm,
    TargetForm,
    WorkItemNoteForm,
)
from .metrics import METRICS, MetricCache
from .models import Event, InvestmentProject, Programme, Target, WorkItem

OFFICERS = (Role.CITY, Role.DISTRICT)
TEXTS = Path(__file__).resolve().parent / "texts"


def _page(request, queryset, size=50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _form_errors_to_messages(request, form):
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _metric_label(target: Target) -> str:
    return (
        "人工填报"
        if target.is_manual
        else METRICS[target.metric].label
        if target.metric in METRICS
        else target.metric
    )


# --- Dashboards -------------------------------------------------------------------------------------------


class CityDashboardView(ScopedViewMixin, View):
    """The first page city staff see: this year's headline targets with progress bars, the monthly trend of
    software revenue and employees, the regions side by side, overdue work items, last month's reporting
    completeness. A fixed number of queries whatever the data size."""

    model = Target
    allowed_roles = (Role.CITY,)

    def get(self, request):
        today = timezone.localdate()
        cache = MetricCache(shared=True)
        targets = list(self.get_queryset().select_related("programme", "region"))
        rows = selectors.progress(targets, today=today, cache=cache)
        by_target = {row.target.pk: row for row in rows}
        headline = [by_target[t.pk] for t in selectors.headline_targets(targets, today=today)]
        headline_ids = {row.target.pk for row in headline}
        latest_ended = max((t.year for t in targets if t.year < today.year), default=None)
        results = [
            row for row in rows if row.target.year == latest_ended and row.target.pk not in headline_ids
        ]
        regions = list(Region.objects.top_level())
        table = [
            row
            for row in selectors.region_table(today=today, regions=regions, cache=cache)
            if any(value for value, _ in row["cells"]) or row["region"].central_urban
        ]
        totals = [sum((row["values"][name] for row in table), 0) for name, _, _ in selectors.REGION_COLUMNS]
        items = WorkItem.objects.visible_to(request.user)
        context = {
            "today": today,
            "headline": headline,
            "results": results,
            "results_year": latest_ended,
            "result_counts": selectors.status_counts(results),
            "trend": selectors.monthly_trend(today=today, cache=cache),
            "columns": selectors.REGION_COLUMNS,
            "table": table,
            "figures": [
                (label, total) for (_, label, _), total in zip(selectors.REGION_COLUMNS, totals, strict=True)
            ],
            "overdue": selectors.overdue_work_items(items, today=today),
            "work_summary": selectors.work_item_summary(items, today=today),
            "completeness": selectors.last_month_completeness(today=today, regions=regions, cache=cache),
        }
        return render(request, "programmes/dashboard.html", context)


class RegionDashboardView(ScopedViewMixin, View):
    """A district's own dashboard: its targets (e.g. 北碚区's 2025 targets), its standing among the regions
    this year, its trend, overdue work items and last month's completeness. City staff pick a region."""

    model = Target
    allowed_roles = OFFICERS

    def get(self, request):
        today = timezone.localdate()
        regions = list(Region.objects.top_level())
        if request.user.role == Role.DISTRICT:
            region = request.user.region
        else:
            code = request.GET.get("region") or "500109"
            region = next((r for r in regions if r.code == code), None)
            if region is None:
                raise Http404("区域不存在。")
        cache = MetricCache(shared=True)
        targets = list(self.get_queryset().filter(region=region).select_related("programme", "region"))
        rows = selectors.progress(targets, today=today, cache=cache)
        table = selectors.region_table(today=today, regions=regions, cache=cache)
        mine = next(row for row in table if row["region"].pk == region.pk)
        peers = [row for row in table if row["region"].central_urban == region.central_urban]
        for name, _, _ in selectors.REGION_COLUMNS:
            ordered = sorted((row["values"][name] for row in peers), reverse=True)
            mine.setdefault("peer_ranks", {})[name] = ordered.index(mine["values"][name]) + 1
        standing = [
            {"label": label, "value": mine["values"][name], "rank": mine["peer_ranks"][name]}
            for name, label, _ in selectors.REGION_COLUMNS
        ]
        items = WorkItem.objects.visible_to(request.user).filter(region=region)
        context = {
            "today": today,
            "region": region,
            "regions": regions if request.user.role == Role.CITY else None,
            "rows": rows,
            "counts": selectors.status_counts(rows),
            "standing": standing,
            "peer_count": len(peers),
            "peer_label": "中心城区" if region.central_urban else "其他区县",
            "trend": selectors.monthly_trend(today=today, regions=[region.code], cache=cache),
            "overdue": selectors.overdue_work_items(items, today=today),
            "work_summary": selectors.work_item_summary(items, today=today),
            "completeness": selectors.last_month_completeness(today=today, regions=[region], cache=cache),
        }
        return render(request, "programmes/region_dashboard.html", context)


def public_progress(request):
    """Published programme progress, for everyone, no login: the queryset's ``public()``."""
    today = timezone.localdate()
    programmes = list(Programme.objects.public().select_related("region"))
    targets = list(
        Target.objects.public().filter(programme__in=programmes).select_related("programme", "region")
    )
    rows = selectors.progress(targets, today=today, cache=MetricCache(shared=True))
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.target.programme_id].append(row)
    sections = [
        {"programme": p, "rows": grouped[p.pk], "counts": selectors.status_counts(grouped[p.pk])}
        for p in programmes
        if grouped[p.pk]
    ]
    return render(
        request,
        "programmes/public_progress.html",
        {"sections": sections, "today": today, "counts": selectors.status_counts(rows)},
    )


# --- Programmes and targets -------------------------------------------------------------------------------


class ProgrammeMixin(ScopedViewMixin):
    model = Programme
    allowed_roles = ALL_ROLES

    def optimize(self, queryset):
        return queryset.select_related("region")


class ProgrammeListView(ProgrammeMixin, View):
    def get(self, request):
        filterset = ProgrammeFilterSet(request.GET, queryset=self.get_queryset())
        return render(
            request,
            "programmes/programme_list.html",
            {"filter": filterset, "page": _page(request, filterset.qs)},
        )


class ProgrammeCreateView(ProgrammeMixin, View):
    allowed_roles = (Role.CITY,)

    def get(self, request):
        context = {"form": ProgrammeForm(), "title": "新增政策文件", "back_url": reverse("programmes:list")}
        return render(request, "programmes/form.html", context)

    def post(self, request):
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            try:
                programme = services.create_programme(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新增政策文件“{programme.short_name}”。")
                return redirect("programmes:detail", programme.pk)
        context = {"form": form, "title": "新增政策文件", "back_url": reverse("programmes:list")}
        return render(request, "programmes/form.html", context, status=400)


class ProgrammeDetailView(ProgrammeMixin, View):
    def get(self, request, pk):
        programme = get_object_or_404(self.get_queryset(), pk=pk)
        targets = list(programme.targets.select_related("programme", "region"))
        rows = selectors.progress(targets, cache=MetricCache(shared=True))
        items = None
        if request.user.role in OFFICERS:
            items = list(
                WorkItem.objects.visible_to(request.user).filter(programme=programme).select_related("region")
            )
        return render(
            request,
            "programmes/programme_detail.html",
            {"programme": programme, "rows": rows, "items": items, "today": timezone.localdate()},
        )


class ProgrammeTextView(View):
    """The policy text as published (a copy kept in ``programmes/texts/``). Public for published ones."""

    def get(self, request, pk):
        programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
        path = TEXTS / programme.text_file if programme.text_file else None
        if path is None or path.parent != TEXTS or not path.is_file():
            raise Http404("该文件没有原文。")
        paragraphs = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return render(
            request, "programmes/programme_text.html", {"programme": programme, "paragraphs": paragraphs}
        )


class TargetMixin(ScopedViewMixin):
    model = Target
    allowed_roles = ALL_ROLES

    def optimize(self, queryset):
        return queryset.select_related("programme", "region")


class TargetListView(TargetMixin, View):
    def get(self, request):
        filterset = TargetFilterSet(request.GET, queryset=self.get_queryset())
        page = _page(request, filterset.qs)
        rows = selectors.progress(page.object_list, cache=MetricCache(shared=True))
        return render(
            request,
            "programmes/target_list.html",
            {
                "filter": filterset,
                "page": page,
                "rows": rows,
                "years": sorted({t.year for t in Target.objects.all()}),
            },
        )


class TargetCreateView(ProgrammeMixin, View):
    allowed_roles = (Role.CITY,)

    def render_form(self, request, programme, form, status=200):
        context = {
            "form": form,
            "title": f"为“{programme.short_name}”新增目标",
            "back": programme,
            "back_url": reverse("programmes:detail", args=[programme.pk]),
        }
        return render(request, "programmes/form.html", context, status=status)

    def get(self, request, pk):
        programme = get_object_or_404(self.get_queryset(), pk=pk)
        return self.render_form(request, programme, TargetForm(initial={"region": programme.region_id}))

    def post(self, request, pk):
        programme = get_object_or_404(self.get_queryset(), pk=pk)
        form = TargetForm(request.POST)
        if form.is_valid():
            try:
                target = services.create_target(actor=request.user, programme=programme, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新增目标“{target.name}”。")
                return redirect("programmes:target", target.pk)
        return self.render_form(request, programme, form, status=400)


class TargetDetailView(TargetMixin, View):
    def get(self, request, pk):
        target = get_object_or_404(self.get_queryset(), pk=pk)
        row = selectors.progress_of(target, cache=MetricCache(shared=True))
        entries = target.entries.select_related("entered_by") if target.is_manual else []
        form = ProgressEntryForm(
            initial={"reported_on": min(timezone.localdate(), target.programme.period_end)}
        )
        return render(
            request,
            "programmes/target_detail.html",
            {
                "target": target,
                "row": row,
                "entries": entries,
                "metric": METRICS.get(target.metric),
                "metric_label": _metric_label(target),
                "form": form if target.is_manual and request.user.role == Role.CITY else None,
            },
        )


class TargetProgressView(TargetMixin, View):
    """人工填报进度 from the target page (city staff)."""

    allowed_roles = (Role.CITY,)

    def post(self, request, pk):
        target = get_object_or_404(self.get_queryset(), pk=pk)
        form = ProgressEntryForm(request.POST)
        if form.is_valid():
            try:
                services.record_progress(actor=request.user, target=target, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "已记录目标进展。")
        else:
            _form_errors_to_messages(request, form)
        return redirect("programmes:target", target.pk)


# --- Work items -------------------------------------------------------------------------------------------


class WorkItemMixin(ScopedViewMixin):
    model = WorkItem
    allowed_roles = OFFICERS

    def optimize(self, queryset):
        return queryset.select_related("programme", "region")


class WorkItemListView(WorkItemMixin, View):
    def get(self, request):
        filterset = WorkItemFilterSet(request.GET, queryset=self.get_queryset())
        today = timezone.localdate()
        return render(
            request,
            "programmes/work_item_list.html",
            {
                "filter": filterset,
                "page": _page(request, filterset.qs),
                "today": today,
                "programmes": Programme.objects.all(),
            },
        )


class WorkItemDetailView(WorkItemMixin, View):
    """A work item with its dated notes; its region's officers (or city staff) add a note."""

    def may_update(self, request, item):
        return request.user.role == Role.CITY or (item.region_id and item.region_id == request.user.region_id)

    def render_page(self, request, item, form, status=200):
        context = {
            "item": item,
            "notes": item.notes.select_related("author"),
            "form": form if self.may_update(request, item) else None,
            "today": timezone.localdate(),
        }
        return render(request, "programmes/work_item_detail.html", context, status=status)

    def get(self, request, pk):
        item = get_object_or_404(self.get_queryset(), pk=pk)
        form = WorkItemNoteForm(initial={"status": item.status, "noted_on": timezone.localdate()})
        return self.render_page(request, item, form)

    def post(self, request, pk):
        item = get_object_or_404(self.get_queryset(), pk=pk)
        form = WorkItemNoteForm(request.POST)
        if form.is_valid():
            try:
                services.add_work_item_note(actor=request.user, work_item=item, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已记录事项进展。")
                return redirect("programmes:work-item", item.pk)
        return self.render_page(request, item, form, status=400)


# --- Investment projects and events -----------------------------------------------------------------------


class LedgerMixin(ScopedViewMixin):
    allowed_roles = OFFICERS
    form_class = None
    filterset_class = None
    list_template = ""
    noun = ""
    list_url = ""
    create_service = None
    update_service = None
    update_kwarg = ""

    def optimize(self, queryset):
        return queryset.select_related("region")

    def render_form(self, request, form, instance=None, status=200):
        title = f"编辑{self.noun}“{instance}”" if instance else f"登记{self.noun}"
        context = {"form": form, "title": title, "back_url": reverse(self.list_url)}
        return render(request, "programmes/form.html", context, status=status)


class LedgerListView(LedgerMixin, View):
    def get(self, request):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
        return render(
            request, self.list_template, {"filter": filterset, "page": _page(request, filterset.qs)}
        )


class LedgerCreateView(LedgerMixin, View):
    def get(self, request):
        return self.render_form(request, self.form_class(actor=request.user))

    def post(self, request):
        form = self.form_class(request.POST, actor=request.user)
        if form.is_valid():
            try:
                type(self).create_service(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记{self.noun}。")
                return redirect(self.list_url)
        return self.render_form(request, form, status=400)


class LedgerUpdateView(LedgerMixin, View):
    def get(self, request, pk):
        instance = get_object_or_404(self.get_queryset(), pk=pk)
        return self.render_form(request, self.form_class(instance=instance, actor=request.user), instance)

    def post(self, request, pk):
        instance = get_object_or_404(self.get_queryset(), pk=pk)
        original = type(instance).objects.get(pk=instance.pk)
        form = self.form_class(request.POST, instance=instance, actor=request.user)
        if form.is_valid():
            try:
                type(self).update_service(
                    actor=request.user, **{self.update_kwarg: original}, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已保存{self.noun}。")
                return redirect(self.list_url)
        return self.render_form(request, form, original, status=400)


class ProjectConfig:
    model = InvestmentProject
    form_class = InvestmentProjectForm
    filterset_class = InvestmentProjectFilterSet
    list_template = "programmes/project_list.html"
    noun = "招商项目"
    list_url = "programmes:projects"
    create_service = services.create_project
    update_service = services.update_project
    update_kwarg = "project"

    def optimize(self, queryset):
        return queryset.select_related("region", "park")


class EventConfig:
    model = Event
    form_class = EventForm
    filterset_class = EventFilterSet
    list_template = "programmes/event_list.html"
    noun = "活动"
    list_url = "programmes:events"
    create_service = services.create_event
    update_service = services.update_event
    update_kwarg = "event"


class ProjectListView(ProjectConfig, LedgerListView):
    pass


class ProjectCreateView(ProjectConfig, LedgerCreateView):
    pass


class ProjectUpdateView(ProjectConfig, LedgerUpdateView):
    pass


class EventListView(EventConfig, LedgerListView):
    pass


class EventCreateView(EventConfig, LedgerCreateView):
    pass


class EventUpdateView(EventConfig, LedgerUpdateView):
    pass
