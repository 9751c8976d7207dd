from django.urls import path

from . import import_views

app_name = "imports"

urlpatterns = [
    path("imports/", import_views.ImportIndexView.as_view(), name="index"),
    path("imports/jobs/<int:pk>/", import_views.ImportJobView.as_view(), name="job"),
    path("imports/jobs/<int:pk>/confirm/", import_views.ImportConfirmView.as_view(), name="confirm"),
    path("imports/<slug:kind>/", import_views.ImportUploadView.as_view(), name="upload"),
]
