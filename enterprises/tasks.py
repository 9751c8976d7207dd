from celery import shared_task

from . import services
from .models import Enterprise


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_tier(enterprise_id: int) -> str:
    """Recompute one enterprise's tier from its accepted December data (idempotent)."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        return ""
    return services.recompute_tier(enterprise=enterprise).tier
