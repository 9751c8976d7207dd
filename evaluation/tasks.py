from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import services
from .choices import RunTrigger
from .models import Scheme

DEBOUNCE_SECONDS = 120


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def compute_run(run_id: int) -> str:
    """Compute one evaluation run (idempotent: a finished run is left as it is)."""
    return services.compute_run(run_id=run_id).status


def pending_key(scheme_id: int) -> str:
    return f"evaluation:recompute-pending:{scheme_id}"


def schedule_recompute(scheme_id: int) -> bool:
    """Debounce: many accepted reports in a row make one recompute, ``DEBOUNCE_SECONDS`` after the first."""
    if not cache.add(pending_key(scheme_id), 1, timeout=DEBOUNCE_SECONDS * 2):
        return False
    recompute_scheme.apply_async((scheme_id, RunTrigger.DATA), countdown=DEBOUNCE_SECONDS)
    return True


@shared_task(acks_late=True)
def recompute_scheme(scheme_id: int, trigger: str = RunTrigger.DATA) -> int | None:
    cache.delete(pending_key(scheme_id))
    scheme = Scheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        return None
    return services.request_recompute(actor=None, scheme=scheme, trigger=trigger).pk


@shared_task
def recompute_closed_periods() -> list[int]:
    """Celery beat, daily: schemes whose period closed in the last week and that have no run since, recompute."""
    today = timezone.localdate()
    started = []
    for scheme in Scheme.objects.filter(year__in=[today.year, today.year - 1]):
        if (
            today - timedelta(days=7) <= scheme.end < today
            and not scheme.runs.filter(created_at__date__gt=scheme.end).exists()
        ):
            started.append(
                services.request_recompute(actor=None, scheme=scheme, trigger=RunTrigger.SCHEDULE).pk
            )
    return started
