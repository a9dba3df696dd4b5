from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "gateway.review"
    label = "review"
    verbose_name = "review of held mail"
