from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "gateway.review"
    label = "review"
    verbose_name = "review of held mail"

    def ready(self) -> None:
        from gateway.review.signing_in import connect_session_endings

        connect_session_endings()
