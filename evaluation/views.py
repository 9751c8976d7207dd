"""Pages of the evaluation app: schemes, runs (progress, ranking, differences, publication), scorecards."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from portal import xlsx
from portal.choices import Role
from portal.exceptions import TransitionNotAllowed
from portal.mixins import ScopedViewMixin
from portal.models import Region
from portal.taskqueue import TaskQueueUnavailable

from . import exports, selectors, services
from .indicators import MANUAL
from .models import Run, Scheme

STAFF = (Role.CITY, Role.DISTRICT)


class SchemeListView(ScopedViewMixin, View):
    model = Scheme
    allowed_roles = STAFF

    def get(self, request):
        schemes = self.get_queryset().prefetch_related("regions", "indicators")
        latest = {}
        for run in (
            Run.objects.visible_to(request.user).filter(scheme__in=schemes).order_by("scheme", "-created_at")
        ):
            latest.setdefault(run.scheme_id, run)
        rows = [(scheme, latest.get(scheme.pk)) for scheme in schemes]
        return render(request, "evaluation/scheme_list.html", {"rows": rows})


class SchemeDetailView(ScopedViewMixin, View):
    model = Scheme
    allowed_roles = STAFF

    def get(self, request, pk):
        scheme = get_object_or_404(self.get_queryset().prefetch_related("regions", "indicators"), pk=pk)
        manual = [i for i in scheme.indicators.all() if i.source == MANUAL]
        scores = {(s.indicator, s.region_id): s for s in scheme.manual_scores.all()}
        grid = [
            (
                indicator,
                [(region, scores.get((indicator.code, region.pk))) for region in scheme.regions.all()],
            )
            for indicator in manual
        ]
        runs = Run.objects.visible_to(request.user).filter(scheme=scheme).select_related("created_by")[:20]
        return render(
            request, "evaluation/scheme_detail.html", {"scheme": scheme, "grid": grid, "runs": runs}
        )

    def post(self, request, pk):
        """City staff enter a manual score (with an optional evidence file)."""
        if request.user.role != Role.CITY:
            raise PermissionDenied("只有市级用户可以录入人工评分。")
        scheme = get_object_or_404(self.get_queryset(), pk=pk)
        region = get_object_or_404(Region, code=request.POST.get("region"))
        try:
            services.set_manual_score(
                actor=request.user,
                scheme=scheme,
                region=region,
                indicator=request.POST.get("indicator", ""),
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", ""),
                attachment=request.FILES.get("attachment"),
            )
            messages.success(request, f"已录入{region.name}的评分。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("evaluation:scheme", scheme.pk)


class RecomputeView(ScopedViewMixin, View):
    model = Scheme
    allowed_roles = (Role.CITY,)

    def post(self, request, pk):
        scheme = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            run = services.request_recompute(actor=request.user, scheme=scheme)
        except (TransitionNotAllowed, TaskQueueUnavailable) as exc:
            messages.error(request, exc.message)
            return redirect("evaluation:scheme", scheme.pk)
        return redirect("evaluation:run", run.pk)


class RunView(ScopedViewMixin, View):
    model = Run
    allowed_roles = STAFF

    def get(self, request, pk):
        run = get_object_or_404(self.get_queryset().select_related("scheme", "published_by"), pk=pk)
        if request.GET.get("format") == "xlsx":
            return xlsx.response(exports.ranking_workbook(run), f"{run.inputs['name']}-排名-{run.pk}.xlsx")
        table = selectors.results_table(run)
        chart = [{"region": r["region_name"], "score": float(r["total_score"])} for r in table]
        return render(
            request,
            "evaluation/run_detail.html",
            {
                "run": run,
                "table": table,
                "chart": chart,
                "diff": selectors.diff_from_published(run),
                "names": [i["name"] for i in run.inputs["indicators"]],
            },
        )


class PublishView(ScopedViewMixin, View):
    model = Run
    allowed_roles = (Role.CITY,)

    def post(self, request, pk):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.publish_run(actor=request.user, run=run)
            messages.success(request, "评价结果已发布，此后不再改变。")
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
        return redirect("evaluation:run", run.pk)


class ScorecardView(ScopedViewMixin, View):
    """One region's scorecard with the records behind every number. A district officer sees its own."""

    model = Run
    allowed_roles = STAFF

    def get(self, request, pk, code):
        run = get_object_or_404(self.get_queryset().select_related("scheme"), pk=pk)
        region = get_object_or_404(Region, code=code)
        if request.user.role == Role.DISTRICT and request.user.region_id not in (region.pk, region.parent_id):
            raise Http404
        card = selectors.scorecard(run, code)
        if card is None:
            raise Http404
        if request.GET.get("format") == "xlsx":
            workbook = exports.scorecard_workbook(run, card)
            return xlsx.response(workbook, f"{run.inputs['name']}-{region.name}得分卡-{run.pk}.xlsx")
        return render(request, "evaluation/scorecard.html", {"run": run, "region": region, "card": card})
