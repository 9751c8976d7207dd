"""Data the API's enterprise list shows changed: bump the list's cache version (``selectors``, "The cache of
the API's enterprise list"), now and once the change commits.

Model signals cover saves and deletes one row at a time (services, the admin, cascades, the Excel import,
which goes through the services). A write that sends none must call ``selectors.invalidate_list()`` itself:
``services._set_tags`` does after its ``bulk_create``, ``scale.load`` after its COPY.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from portal.models import Region

from .models import Enterprise, EnterpriseTag, Honour, PoolMembership
from .selectors import invalidate_list

# Every model a row of the list reads (``api.serializers.ROW_VALUES`` and ``enterprise_rows``): the
# enterprise, its tags, honours and 培育库 level, and the codes of its region, park and former region.
SHOWN_BY_LIST = (Enterprise, EnterpriseTag, Honour, PoolMembership, Region)

# Deleting one of these sets ``Enterprise.building`` / ``service_officer`` to NULL by an UPDATE that sends
# no signal for the enterprises it changes.
NULLED_ON_DELETE = ("buildings.Building", settings.AUTH_USER_MODEL)


def _changed(sender, **kwargs):
    invalidate_list()


for model in SHOWN_BY_LIST:
    label = model._meta.label
    post_save.connect(_changed, sender=model, dispatch_uid=f"enterprises-list-saved-{label}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"enterprises-list-deleted-{label}")
for label in NULLED_ON_DELETE:
    post_delete.connect(_changed, sender=label, dispatch_uid=f"enterprises-list-deleted-{label}")
