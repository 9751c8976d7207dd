from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal import backups


class Command(BaseCommand):
    help = "用 pg_dump -Fc 把 PostgreSQL 数据库完整备份到一个文件（上传的附件在 MEDIA_ROOT，另行备份）。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="备份文件，默认 backups/portal-年月日-时分秒.dump")

    def handle(self, *args, file=None, **options):
        path = Path(file or f"backups/portal-{timezone.localtime():%Y%m%d-%H%M%S}.dump")
        backups.dump(path)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}（{path.stat().st_size} 字节）。"))
