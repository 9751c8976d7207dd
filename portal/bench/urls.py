from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

from .views import bare

BARE_PATH = "/__bench__/bare/"

urlpatterns = [path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"), *portal_urlpatterns]
