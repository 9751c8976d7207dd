from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业与月报"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
