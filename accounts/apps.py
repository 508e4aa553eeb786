from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Officials' accounts: login throttling, two-factor login, avatars without third parties, and who
    receives moderation emails."""

    name = "accounts"
    verbose_name = "Tài khoản cán bộ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import checks, notifications  # noqa: F401  (checks register themselves)

        notifications.connect()
