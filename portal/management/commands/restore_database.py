from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "用 pg_restore 从 backup_database 的备份文件恢复数据库：替换当前全部数据，在一个事务中完成，"
        "失败时数据库保持原样。恢复前请停止 web、worker 和 beat。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup_database 生成的备份文件")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="不询问确认"
        )

    def handle(self, *args, file, interactive, **options):
        name = settings.DATABASES["default"]["NAME"]
        if interactive:
            answer = input(f"将用“{file}”替换数据库“{name}”的全部数据。输入 yes 继续：")
            if answer.strip() != "yes":
                raise CommandError("已取消恢复，数据库没有改动。")
        backups.restore(Path(file))
        self.stdout.write(self.style.SUCCESS(f"已从 {file} 恢复数据库“{name}”。"))
