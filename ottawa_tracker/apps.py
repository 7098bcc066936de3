from django.apps import AppConfig


class OttawaTrackerConfig(AppConfig):
    """The project package as an app: its admin (the lockout list) and the response cache's receivers."""

    name = "ottawa_tracker"

    def ready(self) -> None:
        from ottawa_tracker.http_cache import watch_models

        watch_models()
