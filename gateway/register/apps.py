from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "gateway.register"
    label = "register"
    verbose_name = "consent register"

    def ready(self) -> None:
        from gateway.register.models import connect_change_signals

        connect_change_signals()
