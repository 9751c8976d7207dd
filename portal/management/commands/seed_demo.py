import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

DEFAULT_PASSWORD = "portal-demo"


class Command(BaseCommand):
    help = (
        "生成演示数据和演示账号（可重复执行，第二次不做任何修改）。"
        "--scale city 或 --scale N 在空数据库上生成城市规模数据（30000 家或 N 家企业），供性能基准使用。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="新建演示账号的密码")
        parser.add_argument(
            "--scale",
            help="city（30000 家企业）或企业数 N：生成城市规模数据，其他数量按比例；只能在空数据库上执行",
        )
        parser.add_argument("--seed", type=int, help="城市规模数据的随机种子（默认 1）：同一种子生成相同数据")

    def handle(self, *args, password, scale=None, seed=None, **options):
        """Run each installed app's ``demo.seed`` in INSTALLED_APPS order, so data flows the same way as
        the code: portal first, then the domain apps, then evaluation and programmes. With ``--scale``,
        load the city-scale data set instead."""
        if scale is not None:
            return self._scale(scale, seed=1 if seed is None else seed, password=password)
        if seed is not None:
            raise CommandError("--seed 只能与 --scale 一起使用。")
        today = timezone.localdate()
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                created = import_module(module_name).seed(password=password, today=today)
                self.stdout.write(f"{config.verbose_name}：{created}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))

    def _scale(self, value: str, *, seed: int, password: str) -> None:
        """City-scale data for the benchmark (``portal.scale``), refused on a database that holds data."""
        from portal import scale

        started = time.perf_counter()
        try:
            size = scale.Scale(enterprises=scale.parse_scale(value), seed=seed, password=password)
            timings = scale.load(size, log=self.stdout.write)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        steps = "，".join(f"{name} {seconds:.1f} 秒" for name, seconds in timings.items())
        self.stdout.write(f"用时：{steps}")
        self.stdout.write(
            self.style.SUCCESS(
                f"城市规模演示数据已就绪（{size.enterprises} 家企业，种子 {seed}），"
                f"共用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
