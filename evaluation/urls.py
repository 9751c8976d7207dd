from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", views.SchemeListView.as_view(), name="schemes"),
    path("evaluation/schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme"),
    path("evaluation/schemes/<int:pk>/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("evaluation/runs/<int:pk>/", views.RunView.as_view(), name="run"),
    path("evaluation/runs/<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("evaluation/runs/<int:pk>/regions/<str:code>/", views.ScorecardView.as_view(), name="scorecard"),
]
