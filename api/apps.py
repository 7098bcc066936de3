from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API (`/api/v1/`), its OpenAPI schema (`/api/schema/`) and docs (`/api/docs/`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
