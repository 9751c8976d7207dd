from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "发展评价"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
