from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.tasks import region_count


class Command(BaseCommand):
    help = "通过 Celery 工作进程执行一次任务，确认消息队列、工作进程和数据库都可用。"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args, timeout, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("未配置 REDIS_URL：任务在当前进程内即时执行。")
        try:
            count = region_count.delay().get(timeout=timeout)
        except Exception as exc:
            raise CommandError(f"Celery 工作进程在 {timeout:g} 秒内未完成任务：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Celery 工作进程正常，读到 {count} 个区域。"))
