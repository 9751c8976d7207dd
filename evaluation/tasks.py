import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal import taskqueue
from portal.exceptions import TransitionNotAllowed

from . import services
from .choices import RunStatus, RunTrigger
from .models import Scheme

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 120


# No automatic retry: a run that failed stays failed, with its reason, and a new run is asked for (by the
# city, the next data change or the daily beat). A task delivered again after its worker died is harmless:
# services.compute_run computes only a queued run.
@shared_task(
    acks_late=True,
    time_limit=settings.EVALUATION_RUN_TIME_LIMIT,
    soft_time_limit=max(settings.EVALUATION_RUN_TIME_LIMIT - 30, 1),  # marked failed with the reason
)
def compute_run(run_id: int) -> str:
    """Compute one evaluation run (idempotent: a run that is not queued is left as it is)."""
    return services.compute_run(run_id=run_id).status


def pending_key(scheme_id: int) -> str:
    return f"evaluation:recompute-pending:{scheme_id}"


def schedule_recompute(scheme_id: int) -> bool:
    """Debounce: many accepted reports in a row make one recompute, ``DEBOUNCE_SECONDS`` after the first.

    Called once data is committed: when the broker is down the change stays recorded and is only logged
    (the next change, the daily beat or the city's 重新计算 catches up), never an error for the change."""
    if not cache.add(pending_key(scheme_id), 1, timeout=DEBOUNCE_SECONDS * 2):
        return False
    try:
        taskqueue.send(recompute_scheme, scheme_id, RunTrigger.DATA, countdown=DEBOUNCE_SECONDS)
    except taskqueue.TaskQueueUnavailable:
        cache.delete(pending_key(scheme_id))
        logger.warning("Recompute of scheme %s not scheduled: the task queue is down", scheme_id)
        return False
    return True


@shared_task(acks_late=True)
def recompute_scheme(scheme_id: int, trigger: str = RunTrigger.DATA) -> int | None:
    cache.delete(pending_key(scheme_id))
    scheme = Scheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        return None
    try:
        return services.request_recompute(actor=None, scheme=scheme, trigger=trigger).pk
    except TransitionNotAllowed:
        # A run is computing and may have read the data before this change: try again after it.
        schedule_recompute(scheme_id)
        return None


@shared_task
def recompute_closed_periods() -> list[int]:
    """Celery beat, daily: schemes whose period closed in the last week and that have no run since (a failed
    one does not count), recompute."""
    today = timezone.localdate()
    started = []
    for scheme in Scheme.objects.filter(year__in=[today.year, today.year - 1]):
        if (
            today - timedelta(days=7) <= scheme.end < today
            and not scheme.runs.exclude(status=RunStatus.FAILED)
            .filter(created_at__date__gt=scheme.end)
            .exists()
        ):
            try:
                run = services.request_recompute(actor=None, scheme=scheme, trigger=RunTrigger.SCHEDULE)
            except TransitionNotAllowed:
                continue  # computing now; tomorrow's beat looks again
            started.append(run.pk)
    return started


@shared_task
def fail_stale_runs() -> int:
    """Celery beat, every five minutes: runs whose worker died are marked failed (services.fail_stale_runs)."""
    return services.fail_stale_runs()
