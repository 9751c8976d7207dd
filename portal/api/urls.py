from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from buildings.api import views as building_views
from enterprises.api import views as enterprise_views
from evaluation.api import views as evaluation_views
from programmes.api import views as programme_views
from scenarios.api import views as scenario_views

from . import imports as import_views
from . import views

router = DefaultRouter()
# First: the public list is the busiest route (anyone may call it, no login), and every route registered
# before it is tried on each of its requests (two patterns a route, with the format suffix).
router.register(
    "demonstration-buildings", building_views.DemonstrationBuildingViewSet, basename="demonstration-building"
)
router.register("regions", views.RegionViewSet, basename="region")
router.register("accounts", views.AccountViewSet, basename="account")
router.register("enterprises", enterprise_views.EnterpriseViewSet, basename="enterprise")
router.register("support-grants", enterprise_views.SupportGrantViewSet, basename="support-grant")
router.register("monthly-reports", enterprise_views.MonthlyReportViewSet, basename="monthly-report")
router.register("evaluation/schemes", evaluation_views.SchemeViewSet, basename="evaluation-scheme")
router.register("evaluation/runs", evaluation_views.RunViewSet, basename="evaluation-run")
router.register("buildings", building_views.BuildingViewSet, basename="building")
router.register("occupancies", building_views.OccupancyViewSet, basename="occupancy")
router.register("scenarios", scenario_views.ScenarioViewSet, basename="scenario")
router.register(
    "scenario-applications", scenario_views.ScenarioApplicationViewSet, basename="scenario-application"
)
router.register("scenario-lists", scenario_views.ScenarioListViewSet, basename="scenario-lists")
router.register("programmes", programme_views.ProgrammeViewSet, basename="programme")
router.register("targets", programme_views.TargetViewSet, basename="target")
router.register("work-items", programme_views.WorkItemViewSet, basename="work-item")
router.register(
    "investment-projects", programme_views.InvestmentProjectViewSet, basename="investment-project"
)
router.register("events", programme_views.EventViewSet, basename="event")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path(
        "reporting-completeness/",
        enterprise_views.CompletenessView.as_view(),
        name="reporting-completeness",
    ),
    path("imports/jobs/<int:pk>/", import_views.ImportJobView.as_view(), name="import-job"),
    path("imports/<slug:kind>/template/", import_views.ImportTemplateView.as_view(), name="import-template"),
    path("imports/<slug:kind>/", import_views.ImportView.as_view(), name="import-run"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    # The split view serves Swagger UI's init script from ?script, not inline: the Content-Security-Policy
    # allows no inline script without the page's nonce.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
