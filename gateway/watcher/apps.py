from django.apps import AppConfig


class WatcherConfig(AppConfig):
    name = "gateway.watcher"
    label = "watcher"
    verbose_name = "shared-drive watcher"
