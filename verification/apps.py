from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"

    def ready(self) -> None:
        # Registers the API key scheme with drf-spectacular.
        from .api import schema  # noqa: F401
        from .receivers import connect

        connect()
