from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running an installation: periodic jobs and their scheduler, readiness, request ids and JSON logs, metrics."""

    name = "ops"
    verbose_name = "Vận hành hệ thống"
    default_auto_field = "django.db.models.BigAutoField"
