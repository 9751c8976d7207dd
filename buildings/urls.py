from django.urls import path

from . import views

urlpatterns = [
    path("buildings/", views.BuildingListView.as_view(), name="buildings-ledger"),
    path("buildings/new/", views.BuildingCreateView.as_view(), name="buildings-create"),
    path("buildings/selection/", views.SelectionView.as_view(), name="buildings-selection"),
    path("buildings/<int:pk>/", views.BuildingDetailView.as_view(), name="buildings-detail"),
    path("buildings/<int:pk>/edit/", views.BuildingUpdateView.as_view(), name="buildings-update"),
    path(
        "buildings/<int:pk>/occupancies/new/",
        views.OccupancyCreateView.as_view(),
        name="buildings-occupancy-create",
    ),
    path(
        "buildings/occupancies/<int:pk>/edit/",
        views.OccupancyUpdateView.as_view(),
        name="buildings-occupancy-update",
    ),
    path("buildings/<int:pk>/designate/", views.DesignateView.as_view(), name="buildings-designate"),
    path("buildings/<int:pk>/revoke/", views.RevokeView.as_view(), name="buildings-revoke"),
    path("demonstration-buildings/", views.demonstration_list, name="demonstration-buildings"),
    path("demonstration-buildings/<int:pk>/", views.demonstration_detail, name="demonstration-building-page"),
]
