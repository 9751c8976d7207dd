from celery import shared_task

from .models import Region


@shared_task(acks_late=True)
def region_count() -> int:
    """A worker's round trip through the broker and the database: how many regions it sees.

    Operations use it (``manage.py check_worker``) to prove a worker is alive and connected."""
    return Region.objects.count()


# Celery autodiscovers ``tasks`` modules only: the import job lives with the import engine.
from .imports import run_import_job  # noqa: E402, F401
