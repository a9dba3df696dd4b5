from django.apps import AppConfig


class GatewayConfig(AppConfig):  # type: ignore[misc]  # Django ships no type information
    name = "gateway"
    verbose_name = "confide gateway"
