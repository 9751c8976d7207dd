from django.urls import path

from . import views

app_name = "scenarios"

urlpatterns = [
    path("scenarios/", views.public_list, name="list"),
    path("scenarios/lists/", views.public_lists, name="lists"),
    path("scenarios/manage/", views.ManageListView.as_view(), name="manage"),
    path("scenarios/new/", views.ScenarioCreateView.as_view(), name="create"),
    path("scenarios/mine/", views.MyApplicationsView.as_view(), name="my-applications"),
    path("scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="detail"),
    path("scenarios/<int:pk>/edit/", views.ScenarioEditView.as_view(), name="edit"),
    path("scenarios/<int:pk>/award/", views.AwardView.as_view(), name="award"),
    path("scenarios/<int:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("scenarios/<int:pk>/<slug:step>/", views.ScenarioStepView.as_view(), name="step"),
    path("scenarios/applications/<int:pk>/attachment/", views.AttachmentView.as_view(), name="attachment"),
]
