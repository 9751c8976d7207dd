from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="list"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="edit"),
    path(
        "enterprises/<int:pk>/honours/", views.EnterpriseRecordView.as_view(kind="honour"), name="honour-add"
    ),
    path("enterprises/<int:pk>/grants/", views.EnterpriseRecordView.as_view(kind="grant"), name="grant-add"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report-edit"),
    path("reports/<int:pk>/<slug:step>/", views.ReportStepView.as_view(), name="report-step"),
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("pool/", views.PoolView.as_view(), name="pool"),
]
