"""Pages of the enterprises app: thin — parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from portal.choices import Role
from portal.exceptions import TransitionNotAllowed
from portal.mixins import ScopedViewMixin, add_service_errors
from portal.models import Region
from portal.periods import add_months, format_period, month_start, parse_period

from . import selectors, services
from .choices import ReportStatus
from .filtersets import EnterpriseFilterSet, MonthlyReportFilterSet
from .forms import (
    ContactForm,
    EnterpriseForm,
    HonourForm,
    PoolAdmitForm,
    PoolDecisionForm,
    ReasonForm,
    ReportForm,
    SupportGrantForm,
)
from .models import FIGURE_FIELDS, Enterprise, MonthlyReport, PoolMembership

STAFF = (Role.CITY, Role.DISTRICT)


def _page(request, queryset, size=50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Enterprises ---------------------------------------------------------------------------------------------


class EnterpriseMixin(ScopedViewMixin):
    model = Enterprise

    def optimize(self, queryset):
        return queryset.select_related("region", "park", "pool")


class EnterpriseListView(EnterpriseMixin, View):
    allowed_roles = STAFF

    def get(self, request):
        filterset = EnterpriseFilterSet(request.GET, queryset=self.get_queryset())
        page = _page(request, filterset.qs.distinct())
        return render(request, "enterprises/enterprise_list.html", {"filter": filterset, "page": page})


class EnterpriseCreateView(EnterpriseMixin, View):
    allowed_roles = STAFF

    def get(self, request):
        return render(
            request, "enterprises/enterprise_form.html", {"form": EnterpriseForm(actor=request.user)}
        )

    def post(self, request):
        form = EnterpriseForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                enterprise = services.create_enterprise(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记企业“{enterprise.name}”。")
                return redirect("enterprises:detail", enterprise.pk)
        return render(request, "enterprises/enterprise_form.html", {"form": form}, status=400)


class EnterpriseDetailView(EnterpriseMixin, View):
    def get(self, request, pk):
        enterprise = get_object_or_404(
            self.get_queryset().prefetch_related("tags", "honours", "support_grants"), pk=pk
        )
        reports = list(enterprise.reports.order_by("-period")[:24])
        trend = [
            {
                "period": format_period(r.period),
                "employees": r.employees,
                "operating_revenue": float(r.operating_revenue),
                "software_revenue": float(r.software_revenue),
            }
            for r in reversed(reports)
        ]
        history = enterprise.history.select_related("history_user").order_by("-history_date")[:20]
        can_manage = request.user.role in STAFF
        return render(
            request,
            "enterprises/enterprise_detail.html",
            {
                "enterprise": enterprise,
                "reports": reports,
                "trend": trend,
                "history": history,
                "decisions": enterprise.pool_decisions.select_related("decided_by")[:20],
                "can_manage": can_manage,
                "honour_form": HonourForm() if can_manage else None,
                "grant_form": SupportGrantForm() if can_manage else None,
            },
        )


class EnterpriseEditView(EnterpriseMixin, View):
    """City and district staff edit the whole profile; an enterprise user its own contact fields."""

    def get_form(self, request, enterprise, data=None):
        if request.user.role == Role.ENTERPRISE:
            return ContactForm(data, instance=enterprise)
        return EnterpriseForm(data, instance=enterprise, actor=request.user)

    def get(self, request, pk):
        enterprise = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.get_form(request, enterprise)
        return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})

    def post(self, request, pk):
        enterprise = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.get_form(request, enterprise, request.POST)
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "uscc"}
            try:
                services.update_enterprise(actor=request.user, enterprise=enterprise, **changes)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "企业信息已保存。")
                return redirect("enterprises:detail", enterprise.pk)
        context = {"form": form, "enterprise": enterprise}
        return render(request, "enterprises/enterprise_form.html", context, status=400)


class EnterpriseRecordView(EnterpriseMixin, View):
    """Add an honour or a support grant from the enterprise page."""

    allowed_roles = STAFF
    kind = None  # "honour" or "grant"

    def post(self, request, pk):
        enterprise = get_object_or_404(self.get_queryset(), pk=pk)
        form = HonourForm(request.POST) if self.kind == "honour" else SupportGrantForm(request.POST)
        if form.is_valid():
            service = services.add_honour if self.kind == "honour" else services.record_support_grant
            try:
                service(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "已登记。")
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("enterprises:detail", enterprise.pk)


# --- Monthly reports ---------------------------------------------------------------------------------------


class ReportMixin(ScopedViewMixin):
    model = MonthlyReport

    def optimize(self, queryset):
        return queryset.select_related("enterprise__region")


class ReportListView(ReportMixin, View):
    """An enterprise's own reports, or every report a reviewer may see, filtered."""

    def get(self, request):
        filterset = MonthlyReportFilterSet(request.GET, queryset=self.get_queryset())
        return render(
            request,
            "enterprises/report_list.html",
            {"filter": filterset, "page": _page(request, filterset.qs)},
        )


class ReportCreateView(ReportMixin, View):
    allowed_roles = (Role.ENTERPRISE,)

    def get(self, request):
        last_month = add_months(month_start(timezone.localdate()), -1)
        form = ReportForm(initial={"period": format_period(last_month)})
        return render(request, "enterprises/report_form.html", {"form": form})

    def post(self, request):
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.create_report(
                    actor=request.user, enterprise=request.user.enterprise, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{report.period_label} 月报已保存为草稿，核对无误后请报送。")
                return redirect("enterprises:report-detail", report.pk)
        return render(request, "enterprises/report_form.html", {"form": form}, status=400)


class ReportDetailView(ReportMixin, View):
    def get(self, request, pk):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        selectors.with_comparisons([report])
        transitions = report.transitions.select_related("actor")
        return render(
            request,
            "enterprises/report_detail.html",
            {"report": report, "transitions": transitions, "reason_form": ReasonForm()},
        )


class ReportEditView(ReportMixin, View):
    allowed_roles = (Role.ENTERPRISE,)

    def get(self, request, pk):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        return render(
            request, "enterprises/report_form.html", {"form": ReportForm(instance=report), "report": report}
        )

    def post(self, request, pk):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        form = ReportForm(request.POST, instance=report)
        if form.is_valid():
            try:
                figures = {name: form.cleaned_data[name] for name in FIGURE_FIELDS}
                services.update_report(actor=request.user, report=report, **figures)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "月报已保存。")
                return redirect("enterprises:report-detail", report.pk)
        context = {"form": form, "report": report}
        return render(request, "enterprises/report_form.html", context, status=400)


STEPS = {
    # action: (service, roles, needs a reason, done message)
    "submit": (services.submit_report, (Role.ENTERPRISE,), False, "已报送"),
    "approve": (services.approve_report, (Role.DISTRICT,), False, "已审核通过"),
    "accept": (services.accept_report, (Role.CITY,), False, "已验收"),
    "return": (services.return_report, (Role.DISTRICT, Role.CITY), True, "已退回"),
    "unlock": (services.unlock_report, (Role.CITY,), True, "已解锁"),
}


def run_step(request, report, step) -> bool:
    """Run one workflow step on a report for a page; report the outcome as a message."""
    service, _roles, needs_reason, done = STEPS[step]
    kwargs = {}
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"{report.enterprise.name} {report.period_label}：请填写原因。")
            return False
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(actor=request.user, report=report, **kwargs)
    except (ValidationError, TransitionNotAllowed) as exc:
        text = exc.message if isinstance(exc, TransitionNotAllowed) else "；".join(exc.messages)
        messages.error(request, f"{report.enterprise.name} {report.period_label}：{text}")
        return False
    messages.success(request, f"{report.enterprise.name} {report.period_label} 月报{done}。")
    return True


class ReportStepView(ReportMixin, View):
    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        if request.user.role not in STEPS[step][1]:
            raise PermissionDenied("您的角色无权执行此操作。")
        report = get_object_or_404(self.get_queryset(), pk=pk)
        run_step(request, report, step)
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("enterprises:report-detail", report.pk)


class ReviewQueueView(ReportMixin, View):
    """The reviewer's queue: a district officer's submitted reports, the city's approved ones, each with
    同比 and 环比 beside every figure and its warnings; approve, accept or return one, or many at once."""

    allowed_roles = STAFF

    def queue(self, request):
        status = ReportStatus.SUBMITTED if request.user.role == Role.DISTRICT else ReportStatus.APPROVED
        queryset = self.get_queryset().filter(status=status).order_by("period", "enterprise__name", "pk")
        region = request.GET.get("region")
        if region and "\x00" not in region:  # a NUL is no region code, and PostgreSQL refuses it (500)
            queryset = queryset.filter(enterprise__region__code=region)
        return queryset

    def get(self, request):
        page = _page(request, self.queue(request), size=20)
        reports = selectors.with_comparisons(list(page.object_list))
        step = "approve" if request.user.role == Role.DISTRICT else "accept"
        return render(
            request,
            "enterprises/review_queue.html",
            {"page": page, "reports": reports, "step": step, "regions": Region.objects.top_level()},
        )

    def post(self, request):
        """Bulk approve (district) or accept (city) of the selected reports."""
        step = "approve" if request.user.role == Role.DISTRICT else "accept"
        ids = request.POST.getlist("selected")
        reports = self.queue(request).filter(pk__in=ids)
        done = sum(run_step(request, report, step) for report in reports)
        if not ids:
            messages.error(request, "请先勾选要处理的月报。")
        elif done:
            messages.info(request, f"共处理 {done} 份月报。")
        return redirect("enterprises:review")


class CompletenessView(ScopedViewMixin, View):
    """Who filed for a period, per region, and who is missing (the district's reminder list)."""

    model = Region
    allowed_roles = STAFF

    def get(self, request):
        default = add_months(month_start(timezone.localdate()), -1)
        try:
            period = parse_period(request.GET["period"]) if request.GET.get("period") else default
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            period = default
        regions = Region.objects.top_level()
        if request.user.role == Role.DISTRICT:
            regions = regions.filter(pk=request.user.region_id)
        rows = selectors.completeness(period, list(regions))
        totals = {
            key: sum(getattr(row, key) for row in rows) for key in ("expected", "filed", "accepted", "late")
        }
        return render(
            request,
            "enterprises/completeness.html",
            {
                "rows": rows,
                "totals": totals,
                "period": format_period(period),
                "deadline": selectors.deadline(period),
            },
        )


# --- 培育库 ----------------------------------------------------------------------------------------------------


def _review_year(raw: str | None) -> int | None:
    """A review year from a query or form value: a whole year whose following year ``date`` can still hold
    (the review reads up to 1 January of the next year), else None."""
    try:
        year = int((raw or "").strip())
    except ValueError:
        return None
    return year if 1 <= year <= 9998 else None


class PoolView(ScopedViewMixin, View):
    model = PoolMembership
    allowed_roles = (Role.CITY,)

    def get(self, request):
        default = timezone.localdate().year - 1
        year = _review_year(request.GET.get("year"))
        if year is None:
            year = default
            if request.GET.get("year", "").strip():
                messages.error(request, f"复核年度“{request.GET['year']}”无效，应为年份，例如 {default}。")
        query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses a NUL (500)
        rows = selectors.pool_review(year, self.get_queryset())
        # Thousands of enterprises: the picker offers the matches of a search, never the whole registry (a
        # POST is still checked against every enterprise outside the pool).
        candidates = list(selectors.pool_candidates(query))
        admit_form = PoolAdmitForm()
        admit_form.fields["enterprise"].choices = [("", "---------"), *((e.pk, e.name) for e in candidates)]
        decision_form = PoolDecisionForm()
        return render(
            request,
            "enterprises/pool.html",
            {
                "rows": rows,
                "year": year,
                "query": query,
                "candidates": candidates,
                "admit_form": admit_form,
                # One rendering for every row's form: widget templates cost milliseconds each.
                "decision_fields": format_html("{} {}", decision_form["decision"], decision_form["level"]),
            },
        )

    def post(self, request):
        if "enterprise" in request.POST:
            form = PoolAdmitForm(request.POST)
            if form.is_valid():
                try:
                    services.admit_to_pool(actor=request.user, **form.cleaned_data)
                    messages.success(request, f"{form.cleaned_data['enterprise'].name}已入库。")
                except ValidationError as exc:
                    messages.error(request, "；".join(exc.messages))
            else:
                messages.error(request, "请选择企业、层级并填写入库理由。")
        else:
            membership = get_object_or_404(self.get_queryset(), pk=request.POST.get("membership"))
            form = PoolDecisionForm(request.POST)
            if form.is_valid():
                try:
                    services.decide_pool(
                        actor=request.user,
                        enterprise=membership.enterprise,
                        review_year=_review_year(request.POST.get("year")),
                        **form.cleaned_data,
                    )
                    messages.success(request, f"{membership.enterprise.name}：已记录决定。")
                except ValidationError as exc:
                    messages.error(request, "；".join(exc.messages))
            else:
                messages.error(request, "请选择决定并填写理由。")
        return redirect(f"{request.path}?year={request.POST.get('year', '')}")
