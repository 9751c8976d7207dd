"""Pages of the ledger (district officers and city staff), the 示范楼宇 selection (city staff) and the
public 示范楼宇 list and detail (everyone, cached). Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from enterprises.choices import SupportKind
from portal.choices import Role
from portal.exceptions import TransitionNotAllowed
from portal.mixins import ScopedViewMixin, add_service_errors
from portal.models import Region

from . import selectors, services
from .choices import TurnkeyItem, batch_label
from .filtersets import BuildingFilterSet, DemonstrationBuildingFilterSet
from .forms import BuildingForm, DesignateForm, OccupancyForm, RevokeForm
from .models import Building, Designation, Occupancy

PAGE_SIZE = 50
PUBLIC_PAGE_SIZE = 24


class BuildingViewMixin(ScopedViewMixin):
    model = Building
    allowed_roles = (Role.CITY, Role.DISTRICT)

    def optimize(self, queryset):
        return queryset.select_related("region", "park").with_figures().with_designation()

    def get_building(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)


class BuildingListView(BuildingViewMixin, View):
    """The ledger with filters and a totals row (gross, acquired, letting, used area, occupancy rate)."""

    def get(self, request):
        filterset = BuildingFilterSet(request.GET, queryset=self.get_queryset())
        buildings = filterset.qs
        page = Paginator(buildings, PAGE_SIZE).get_page(request.GET.get("page"))
        totals = selectors.ledger_totals(buildings)
        return render(
            request,
            "buildings/building_list.html",
            {"filter": filterset, "page": page, "totals": totals, "regions": _filter_regions(request.user)},
        )


def _filter_regions(user):
    if user.role == Role.DISTRICT:
        return Region.objects.filter(parent_id=user.region_id)
    return Region.objects.select_related("parent")


class BuildingCreateView(BuildingViewMixin, View):
    def get(self, request):
        return render(request, "buildings/building_form.html", {"form": BuildingForm(actor=request.user)})

    def post(self, request):
        form = BuildingForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                building = services.create_building(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记楼宇“{building.name}”。")
                return redirect("buildings-detail", building.pk)
        return render(request, "buildings/building_form.html", {"form": form}, status=400)


class BuildingUpdateView(BuildingViewMixin, View):
    def get(self, request, pk):
        building = self.get_building(pk)
        form = BuildingForm(initial=BuildingForm.initial_for(building), actor=request.user, editing=True)
        return render(request, "buildings/building_form.html", {"form": form, "building": building})

    def post(self, request, pk):
        building = self.get_building(pk)
        form = BuildingForm(request.POST, actor=request.user, editing=True)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.update_building(
                    actor=request.user, building=building, expected_version=data.pop("version"), **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except services.StaleBuilding as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, f"已保存楼宇“{building.name}”。")
                return redirect("buildings-detail", building.pk)
        return render(
            request, "buildings/building_form.html", {"form": form, "building": building}, status=status
        )


class BuildingDetailView(BuildingViewMixin, View):
    """A building with its occupancies, dated acquisition and renovation changes, designations and the
    record of every change (django-simple-history)."""

    def optimize(self, queryset):
        return (
            super()
            .optimize(queryset)
            .prefetch_related(
                Prefetch(
                    "occupancies",
                    queryset=Occupancy.objects.select_related("enterprise").order_by("-start_date"),
                ),
                "acquisitions",
                "renovations",
                "designations",
            )
        )

    def get(self, request, pk):
        building = self.get_building(pk)
        today = timezone.localdate()
        occupancies = list(building.occupancies.all())
        for occupancy in occupancies:
            occupancy.running = occupancy.is_active_on(today)
        history = building.history.select_related("history_user").order_by("-history_date")[:20]
        return render(
            request,
            "buildings/building_detail.html",
            {
                "building": building,
                "occupancies": occupancies,
                "industries": selectors.main_industries([building.pk]).get(building.pk, []),
                "history": history,
                "today": today,
                "turnkey_items": TurnkeyItem.choices,
                "support_labels": [
                    label for value, label in SupportKind.choices if value in building.support_types
                ],
            },
        )


class OccupancyCreateView(BuildingViewMixin, View):
    def get(self, request, pk):
        building = self.get_building(pk)
        form = OccupancyForm(actor=request.user, initial={"start_date": timezone.localdate()})
        return render(request, "buildings/occupancy_form.html", {"form": form, "building": building})

    def post(self, request, pk):
        building = self.get_building(pk)
        form = OccupancyForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                services.create_occupancy(actor=request.user, building=building, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已登记入驻企业。")
                return redirect("buildings-detail", building.pk)
        return render(
            request, "buildings/occupancy_form.html", {"form": form, "building": building}, status=400
        )


class OccupancyUpdateView(ScopedViewMixin, View):
    model = Occupancy
    allowed_roles = (Role.CITY, Role.DISTRICT)

    def optimize(self, queryset):
        return queryset.select_related("building", "enterprise")

    def get(self, request, pk):
        occupancy = get_object_or_404(self.get_queryset(), pk=pk)
        form = OccupancyForm(
            actor=request.user,
            editing=True,
            initial={
                "area": occupancy.area,
                "start_date": occupancy.start_date,
                "end_date": occupancy.end_date,
            },
        )
        return render(request, "buildings/occupancy_form.html", _occupancy_context(form, occupancy))

    def post(self, request, pk):
        occupancy = get_object_or_404(self.get_queryset(), pk=pk)
        form = OccupancyForm(request.POST, actor=request.user, editing=True)
        if form.is_valid():
            try:
                services.update_occupancy(actor=request.user, occupancy=occupancy, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已更新“{occupancy.enterprise.name}”的入驻记录。")
                return redirect("buildings-detail", occupancy.building_id)
        return render(
            request, "buildings/occupancy_form.html", _occupancy_context(form, occupancy), status=400
        )


def _occupancy_context(form, occupancy):
    return {"form": form, "building": occupancy.building, "occupancy": occupancy}


class DesignationViewMixin(BuildingViewMixin, View):
    """Designation and revocation: city staff only (403 for everyone else, before any lookup)."""

    allowed_roles = (Role.CITY,)
    form_class = None
    template = "buildings/designation_form.html"

    def get(self, request, pk):
        building = self.get_building(pk)
        return render(request, self.template, self.context(self.initial_form(), building))

    def post(self, request, pk):
        building = self.get_building(pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                message = self.perform(building, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
                return render(request, self.template, self.context(form, building), status=409)
            else:
                messages.success(request, message)
                return redirect("buildings-detail", building.pk)
        return render(request, self.template, self.context(form, building), status=400)

    def context(self, form, building):
        return {"form": form, "building": building, "action": self.action_label}


class DesignateView(DesignationViewMixin):
    form_class = DesignateForm
    action_label = "授牌示范楼宇"

    def initial_form(self):
        batches = Designation.objects.order_by("-batch").values_list("batch", flat=True)[:1]
        return DesignateForm(
            initial={"batch": (batches[0] if batches else 1), "designated_on": timezone.localdate()}
        )

    def perform(self, building, data):
        designation = services.designate_building(actor=self.request.user, building=building, **data)
        return f"“{building.name}”已授牌为{designation.batch_label}示范楼宇。"


class RevokeView(DesignationViewMixin):
    form_class = RevokeForm
    action_label = "撤销示范楼宇"

    def initial_form(self):
        return RevokeForm()

    def perform(self, building, data):
        services.revoke_designation(actor=self.request.user, building=building, **data)
        return f"已撤销“{building.name}”的示范楼宇称号。"


# --- public ------------------------------------------------------------------------------------------


def _public_queryset():
    return (
        Building.objects.public()
        .select_related("region", "park")
        .with_figures()
        .with_designation()
        .order_by("batch", "region__sort_order", "name", "pk")
    )


def _public_row(building, industries) -> dict:
    return {
        "id": building.pk,
        "name": building.name,
        "region": building.region.name,
        "park": building.park.name if building.park_id else "",
        "address": building.address,
        "gross_area": building.gross_area,
        "letting_area": building.letting_area,
        "used_area": building.used_area,
        "occupancy_rate": building.occupancy_rate,
        "enterprise_count": building.enterprise_count,
        "industries": [item["label"] for item in industries.get(building.pk, [])],
        "batch": building.batch,
        "batch_label": batch_label(building.batch),
        "designated_on": building.designated_on,
        "turnkey_ready": building.turnkey_ready,
    }


# The query parameters of the public list; a page whose query has any other is rendered, not cached whole.
PUBLIC_LIST_QUERY = frozenset({"region", "batch", "page"})
# Stands for the response's CSP nonce in a cached page (the nonce is base64: never this text).
NONCE_MARK = 'nonce="{csp-nonce}"'


def demonstration_list(request):
    """The public 示范楼宇 list. An anonymous visitor (nothing of the request on the page but its path and
    query, and the CSP nonce) gets the whole page from the cache, per full path and under the public version,
    with this response's nonce put into its scripts: no query, no template. Signed-in users, pending
    messages or unknown query parameters take the rendered path (``_render_demonstration_list``)."""
    if (
        request.method not in ("GET", "HEAD")
        or request.user.is_authenticated
        or not PUBLIC_LIST_QUERY.issuperset(request.GET)
        or len(messages.get_messages(request))  # counted, not consumed: shown by the rendered page
    ):
        return _render_demonstration_list(request)
    nonce = f'nonce="{request.csp_nonce}"'

    def compute():
        return _render_demonstration_list(request).content.decode().replace(nonce, NONCE_MARK)

    body = selectors.cached_public("page-anonymous", {"path": request.get_full_path()}, compute)
    return HttpResponse(body.replace(NONCE_MARK, nonce))


def _render_demonstration_list(request):
    """The public 示范楼宇 list: no login, filters by region and batch, a chart by region. The rendered list
    (figures, filters, chart and cards) is cached per filter and page, so a visit costs no query and little
    rendering; any write to buildings, occupancies or designations invalidates it. Only the frame around it
    (navigation, the export link, the chart's script with this response's CSP nonce) is rendered each time."""
    params = {key: request.GET.get(key, "") for key in ("region", "batch", "page")}

    def compute(query, shown):
        everything = _public_queryset()
        filterset = DemonstrationBuildingFilterSet(query, queryset=everything)
        if not filterset.is_valid():
            return {"invalid": True}
        page = Paginator(filterset.qs, PUBLIC_PAGE_SIZE).get_page(query.get("page"))
        buildings = list(page.object_list)
        industries = selectors.main_industries([b.pk for b in buildings])
        chart = selectors.region_chart(filterset.qs)
        totals = selectors.ledger_totals(filterset.qs)
        batches = sorted(set(Designation.objects.current().values_list("batch", flat=True)))
        data = {
            "rows": [_public_row(b, industries) for b in buildings],
            "number": page.number,
            "num_pages": page.paginator.num_pages,
            "count": page.paginator.count,
            "chart": [
                {
                    "name": row["name"],
                    "buildings": row["buildings"],
                    "used": selectors.to_ten_thousand(row["used_area"]),
                }
                for row in chart
            ],
            "totals": {key: totals[key] for key in ("count", "gross", "letting", "used", "rate")},
            "regions": _public_regions(),
            "batches": [{"value": b, "label": batch_label(b)} for b in batches],
        }
        body = render_to_string(
            "buildings/_public_list_body.html",
            {"data": data, "params": shown, "chart_height": 60 + 50 * len(data["chart"])},
        )
        return {"totals": data["totals"], "has_chart": bool(data["chart"]), "body": body}

    page = selectors.cached_public("page-list", params, lambda: compute(request.GET, params))
    if page.get("invalid"):  # an unusable filter shows the whole list
        empty = dict.fromkeys(params, "")
        page = selectors.cached_public("page-list", empty, lambda: compute({}, empty))
    # The body was rendered, escaped, by _public_list_body.html: the cache keeps it as a plain string.
    page = dict(page, body=mark_safe(page["body"]))  # noqa: S308
    return render(request, "buildings/public_list.html", {"page": page})


def _public_regions() -> list[dict]:
    """The regions (and 园城) that have a current 示范楼宇, for the filter."""
    rows = (
        Building.objects.public()
        .order_by()
        .values_list(
            "region__code",
            "region__name",
            "region__sort_order",
            "park__code",
            "park__name",
            "park__sort_order",
        )
        .distinct()
    )
    regions = {}
    for code, name, order, park_code, park_name, park_order in rows:
        regions[code] = (order, name)
        if park_code:
            regions[park_code] = (park_order, f"{name} · {park_name}")
    return [
        {"code": code, "name": name}
        for code, (_, name) in sorted(regions.items(), key=lambda i: (i[1][0], i[0]))
    ]


def demonstration_detail(request, pk):
    """One public 示范楼宇: figures, industries, support policies. Never contacts or internal notes."""

    def compute():
        building = _public_queryset().filter(pk=pk).first()
        if building is None:
            return None
        industries = selectors.main_industries([building.pk])
        row = _public_row(building, industries)
        row.update(
            {
                "owner": building.owner,
                "operator": building.operator,
                "acquired_area": building.acquired_area,
                "incubation_area": building.incubation_area,
                "turnkey_labels": building.turnkey_labels,
                "policy_text": building.policy_text,
                "support_types": [
                    label for value, label in SupportKind.choices if value in building.support_types
                ],
            }
        )
        return row

    row = selectors.cached_public("page-detail", {"pk": pk}, compute)
    if row is None:
        raise Http404("没有这座示范楼宇。")
    return render(
        request, "buildings/public_detail.html", {"b": row, "list_url": reverse("demonstration-buildings")}
    )


class SelectionView(BuildingViewMixin, View):
    """示范楼宇评选 (city staff): candidates ranked by occupancy rate, enterprises, employees and revenue."""

    allowed_roles = (Role.CITY,)

    def get(self, request):
        query = request.GET.copy()
        query.setdefault("designated", "false")
        filterset = BuildingFilterSet(query, queryset=self.get_queryset())
        order = request.GET.get("order", "rate")
        if order not in selectors.SELECTION_ORDERS:
            order = "rate"
        rows = selectors.selection_ranking(filterset.qs, order=order)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        selectors.attach_buildings(page.object_list, filterset.qs)
        return render(
            request,
            "buildings/selection.html",
            {
                "filter": filterset,
                "page": page,
                "order": order,
                "orders": [(key, label) for key, (label, _) in selectors.SELECTION_ORDERS.items()],
                "regions": _filter_regions(request.user),
                "designated": query.get("designated"),
            },
        )
