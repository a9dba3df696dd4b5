from django.apps import AppConfig


class RelayConfig(AppConfig):  # type: ignore[misc]  # Django ships no type information
    name = "gateway.relay"
    label = "relay"
    verbose_name = "outbound relay"
