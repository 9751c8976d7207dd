from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("dashboard/", views.CityDashboardView.as_view(), name="dashboard"),
    path("dashboard/region/", views.RegionDashboardView.as_view(), name="region-dashboard"),
    path("progress/", views.public_progress, name="progress"),
    path("programmes/", views.ProgrammeListView.as_view(), name="list"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="detail"),
    path("programmes/<int:pk>/text/", views.ProgrammeTextView.as_view(), name="text"),
    path("programmes/<int:pk>/targets/new/", views.TargetCreateView.as_view(), name="target-create"),
    path("targets/", views.TargetListView.as_view(), name="targets"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target"),
    path("targets/<int:pk>/progress/", views.TargetProgressView.as_view(), name="target-progress"),
    path("work-items/", views.WorkItemListView.as_view(), name="work-items"),
    path("work-items/<int:pk>/", views.WorkItemDetailView.as_view(), name="work-item"),
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project-edit"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/new/", views.EventCreateView.as_view(), name="event-create"),
    path("events/<int:pk>/edit/", views.EventUpdateView.as_view(), name="event-edit"),
]
