"""Pages of the scenarios app: thin — parse, call a service, render.

The public list and detail need no login; what an anonymous visitor sees is the queryset's ``public()``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from portal.choices import Role
from portal.exceptions import TransitionNotAllowed
from portal.mixins import ScopedViewMixin, add_service_errors

from . import selectors, services
from .choices import ApplicationStatus
from .filtersets import ScenarioApplicationFilterSet, ScenarioFilterSet, ScenarioListFilterSet
from .forms import (
    ApplicationForm,
    AwardForm,
    DeliverForm,
    PublishForm,
    ScenarioForm,
    StartForm,
    WithdrawForm,
)
from .models import Scenario, ScenarioApplication, ScenarioList

STAFF = (Role.CITY, Role.DISTRICT)
PUBLIC_PAGE_SIZE = 20


def _page(request, queryset, size=50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- public -----------------------------------------------------------------------------------------------


def public_list(request):
    """The public scenario list: every published scenario (and what became of it), filtered by domain,
    region, status and list number; readable on a phone, no login."""
    published = Scenario.objects.visible_to(request.user).public()
    filterset = ScenarioFilterSet(request.GET, queryset=selectors.with_figures(published))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = _page(request, queryset.order_by("-published_on", "-pk"), PUBLIC_PAGE_SIZE)
    scenarios = selectors.attach_winners(page.object_list)
    return render(
        request,
        "scenarios/public_list.html",
        {
            "filter": filterset,
            "page": page,
            "scenarios": scenarios,
            "summary": selectors.public_summary(queryset),
            "lists": selectors.list_options()[:60],
            "today": timezone.localdate(),
        },
    )


def public_lists(request):
    """The published 清单, city and district, numbered and dated, each linking to its scenarios."""
    filterset = ScenarioListFilterSet(request.GET, queryset=ScenarioList.objects.visible_to(request.user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = _page(request, selectors.lists_with_counts(queryset), 50)
    return render(request, "scenarios/lists.html", {"filter": filterset, "page": page})


class ScenarioDetailView(View):
    """One scenario: public once published; its own region's officers and city staff also see it while it is
    collected, with the actions of its state; an enterprise user applies from here."""

    def get(self, request, pk):
        user = request.user
        scenario = get_object_or_404(selectors.with_figures(Scenario.objects.visible_to(user)), pk=pk)
        scenario.winners = selectors.winners_of([scenario]).get(scenario.pk, [])
        context = {
            "scenario": scenario,
            "today": timezone.localdate(),
            "open": scenario.is_open_on(timezone.localdate()),
            "can_manage": services.can_manage(user, scenario) if user.is_authenticated else False,
            "requirements": _requirements(scenario),
        }
        if user.is_authenticated:
            applications = (
                ScenarioApplication.objects.visible_to(user)
                .filter(scenario=scenario)
                .select_related("enterprise__region")
                .order_by("applied_on", "pk")
            )
            context["applications"] = applications
            if user.role == Role.ENTERPRISE:
                context["mine"] = next(
                    (a for a in applications if a.enterprise_id == user.enterprise_id), None
                )
            if user.role == Role.CITY or (
                user.role == Role.DISTRICT and user.region_id == scenario.region_id
            ):
                context["transitions"] = scenario.transitions.select_related("actor")
        if context["can_manage"]:
            context.update(
                publish_form=PublishForm(initial={"deadline": scenario.deadline}),
                start_form=StartForm(initial={"started_on": timezone.localdate()}),
                deliver_form=DeliverForm(initial={"delivered_on": timezone.localdate()}),
                withdraw_form=WithdrawForm(),
                withdrawable=scenario.status in services.WITHDRAWABLE,
            )
        return render(request, "scenarios/detail.html", context)


def _requirements(scenario) -> list[tuple[str, bool, str]]:
    """ "边界清晰、业主明确、资金落实", each met or not, for the checklist on a collected scenario."""
    missing = services.missing_requirements(scenario)
    return [
        ("边界清晰", "scope" not in missing, missing.get("scope", "已填写建设内容和边界")),
        (
            "业主明确",
            "owner_unit" not in missing,
            missing.get("owner_unit", f"业主单位：{scenario.owner_unit}"),
        ),
        (
            "资金落实",
            not ({"funding_amount", "funding_source"} & set(missing)),
            missing.get("funding_amount")
            or missing.get("funding_source")
            or f"{scenario.funding_amount} 万元，{scenario.funding_source}",
        ),
    ]


# --- management ----------------------------------------------------------------------------------------------


class ScenarioMixin(ScopedViewMixin):
    model = Scenario
    allowed_roles = STAFF

    def optimize(self, queryset):
        return queryset.select_related("region", "published_list")

    def get_managed(self, pk) -> Scenario:
        """A scenario to act on: in the caller's own scope (404 otherwise) and managed by it (403 otherwise)."""
        scenario = get_object_or_404(self.get_queryset().workable_by(self.request.user), pk=pk)
        if not services.can_manage(self.request.user, scenario):
            raise PermissionDenied("您无权管理这个应用场景。")
        return scenario


class ManageListView(ScenarioMixin, View):
    """The district's (or the city's) scenarios in every state, with their application figures."""

    def get(self, request):
        queryset = selectors.with_figures(self.get_queryset().workable_by(request.user))
        filterset = ScenarioFilterSet(request.GET, queryset=queryset)
        rows = filterset.qs if filterset.is_valid() else queryset.none()
        page = _page(request, rows.order_by("status", "-created_at", "-pk"))
        return render(request, "scenarios/manage_list.html", {"filter": filterset, "page": page})


class ScenarioCreateView(ScenarioMixin, View):
    def get(self, request):
        return render(request, "scenarios/scenario_form.html", {"form": ScenarioForm(actor=request.user)})

    def post(self, request):
        form = ScenarioForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                scenario = services.create_scenario(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记应用场景“{scenario.title}”（征集中）。")
                return redirect("scenarios:detail", scenario.pk)
        return render(request, "scenarios/scenario_form.html", {"form": form}, status=400)


class ScenarioEditView(ScenarioMixin, View):
    def get(self, request, pk):
        scenario = self.get_managed(pk)
        form = ScenarioForm(instance=scenario, actor=request.user)
        return render(request, "scenarios/scenario_form.html", {"form": form, "scenario": scenario})

    def post(self, request, pk):
        scenario = self.get_managed(pk)
        form = ScenarioForm(request.POST, instance=scenario, actor=request.user)
        status = 400
        if form.is_valid():
            try:
                services.update_scenario(actor=request.user, scenario=scenario, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, "应用场景已保存。")
                return redirect("scenarios:detail", scenario.pk)
        context = {"form": form, "scenario": scenario}
        return render(request, "scenarios/scenario_form.html", context, status=status)


STEPS = {
    # step: (service, form, done message)
    "publish": (services.publish_scenario, PublishForm, "已发布"),
    "start": (services.start_scenario, StartForm, "已开始实施"),
    "deliver": (services.deliver_scenario, DeliverForm, "已登记落地"),
    "withdraw": (services.withdraw_scenario, WithdrawForm, "已终止"),
}


class ScenarioStepView(ScenarioMixin, View):
    """One lifecycle step from the detail page; the outcome, or each refusal, is shown as a message."""

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        scenario = self.get_managed(pk)
        service, form_class, done = STEPS[step]
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("scenarios:detail", scenario.pk)
        data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        if step in ("deliver", "withdraw"):
            data.setdefault("evidence" if step == "deliver" else "reason", "")
        try:
            scenario = service(actor=request.user, scenario=scenario, **data)
        except TransitionNotAllowed as exc:
            messages.error(request, f"{scenario.title}：{exc.message}")
        except ValidationError as exc:
            for message in exc.messages:  # one message per missing requirement
                messages.error(request, f"{scenario.title}：{message}")
        else:
            note = f"，列入{scenario.published_list.title}" if step == "publish" else ""
            messages.success(request, f"{scenario.title}：{done}{note}。")
        return redirect("scenarios:detail", scenario.pk)


class AwardView(ScenarioMixin, View):
    """定榜: tick the winners among the applicants and give each an amount."""

    def context(self, scenario, form):
        return {"scenario": scenario, "form": form}

    def applications(self, scenario):
        return (
            ScenarioApplication.objects.visible_to(self.request.user)
            .filter(scenario=scenario)
            .select_related("enterprise__region")
            .order_by("applied_on", "pk")
        )

    def get(self, request, pk):
        scenario = self.get_managed(pk)
        form = AwardForm(
            applications=self.applications(scenario), initial={"awarded_on": timezone.localdate()}
        )
        return render(request, "scenarios/award_form.html", self.context(scenario, form))

    def post(self, request, pk):
        scenario = self.get_managed(pk)
        form = AwardForm(request.POST, applications=self.applications(scenario))
        status = 400
        if form.is_valid():
            try:
                services.award_scenario(
                    actor=request.user,
                    scenario=scenario,
                    winners=form.winners(),
                    awarded_on=form.cleaned_data["awarded_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, f"{scenario.title}：已定榜。")
                return redirect("scenarios:detail", scenario.pk)
        return render(request, "scenarios/award_form.html", self.context(scenario, form), status=status)


# --- enterprises: 揭榜 -------------------------------------------------------------------------------------------


class ApplyView(ScopedViewMixin, View):
    """An enterprise user applies (揭榜) for a published scenario with a proposal and an attachment."""

    model = Scenario
    allowed_roles = (Role.ENTERPRISE,)

    def get_scenario(self, pk):
        return get_object_or_404(self.get_queryset().select_related("region", "published_list"), pk=pk)

    def get(self, request, pk):
        scenario = self.get_scenario(pk)
        return render(request, "scenarios/apply_form.html", {"scenario": scenario, "form": ApplicationForm()})

    def post(self, request, pk):
        scenario = self.get_scenario(pk)
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.apply_for_scenario(actor=request.user, scenario=scenario, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已揭榜“{scenario.title}”，请等待定榜结果。")
                return redirect("scenarios:my-applications")
        return render(request, "scenarios/apply_form.html", {"scenario": scenario, "form": form}, status=400)


class MyApplicationsView(ScopedViewMixin, View):
    """我的揭榜: the enterprise's applications and what became of them."""

    model = ScenarioApplication
    allowed_roles = (Role.ENTERPRISE,)

    def optimize(self, queryset):
        return queryset.select_related("scenario__region", "scenario__published_list")

    def get(self, request):
        filterset = ScenarioApplicationFilterSet(request.GET, queryset=self.get_queryset())
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = _page(request, rows.order_by("-applied_on", "-pk"))
        counts = dict.fromkeys(ApplicationStatus.values, 0)
        for row in self.get_queryset().order_by().values("status").annotate(n=Count("pk")):
            counts[row["status"]] = row["n"]
        return render(
            request,
            "scenarios/my_applications.html",
            {"filter": filterset, "page": page, "counts": counts, "today": timezone.localdate()},
        )


class AttachmentView(ScopedViewMixin, View):
    """An application's attachment, for those who may see the application (404 for anyone else)."""

    model = ScenarioApplication

    def get(self, request, pk):
        application = get_object_or_404(self.get_queryset(), pk=pk)
        if not application.attachment:
            raise Http404("这份揭榜申请没有附件。")
        try:
            handle = application.attachment.open("rb")
        except FileNotFoundError as exc:
            raise Http404("附件文件不存在。") from exc
        name = application.attachment.name.rsplit("/", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=name)
