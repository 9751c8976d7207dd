from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "政策与目标"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
