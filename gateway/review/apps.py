from django.apps import AppConfig


class ReviewConfig(AppConfig):  # type: ignore[misc]  # Django ships no type information
    name = "gateway.review"
    label = "review"
    verbose_name = "review of held mail"
