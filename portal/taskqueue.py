"""The one place where the portal hands work to Celery.

When the broker (Redis) is down, ``Task.delay`` would either hang or fail deep inside kombu with an English
error: ``send`` bounds the attempt (the publish retry policy and socket timeouts of settings.py) and turns
a failure into ``TaskQueueUnavailable``, a 503 with a Chinese message on the API that pages show as an
error message. The caller decides what the refused job leaves behind (a run marked failed, say).
"""

import logging

from kombu.exceptions import OperationalError
from rest_framework import status
from rest_framework.exceptions import APIException

logger = logging.getLogger(__name__)

UNAVAILABLE = "后台任务服务暂不可用，请稍后重试。"


class TaskQueueUnavailable(APIException):
    """The task could not be queued: the broker does not answer (HTTP 503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = UNAVAILABLE
    default_code = "task_queue_unavailable"

    @property
    def message(self) -> str:
        return str(self.detail)


def send(task, *args, countdown: int | None = None, **kwargs):
    """Queue ``task(*args, **kwargs)``; raise ``TaskQueueUnavailable`` when the broker cannot take it.

    Results are not stored: every task of the portal reports on its own model row, and asking the Redis
    result backend to watch a result would add its own, much longer, reconnection loop to every send."""
    try:
        return task.apply_async(args, kwargs, countdown=countdown, ignore_result=True)
    except OperationalError as exc:
        logger.error("Could not queue %s: %s", task.name, exc)
        raise TaskQueueUnavailable() from exc
