from django.apps import AppConfig


class RelayConfig(AppConfig):
    name = "gateway.relay"
    label = "relay"
    verbose_name = "outbound relay"
