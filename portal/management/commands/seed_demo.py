from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

DEFAULT_PASSWORD = "portal-demo"


class Command(BaseCommand):
    help = "生成演示数据和演示账号（可重复执行，第二次不做任何修改）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="新建演示账号的密码")

    def handle(self, *args, password, **options):
        """Run each installed app's ``demo.seed`` in INSTALLED_APPS order, so data flows the same way as
        the code: portal first, then the domain apps, then evaluation and programmes."""
        today = timezone.localdate()
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                created = import_module(module_name).seed(password=password, today=today)
                self.stdout.write(f"{config.verbose_name}：{created}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
