from django.apps import AppConfig, apps


class ProvisioningConfig(AppConfig):
    """The top layer: creating portals and communes from official data, merging communes after a
    reform, and the demo, all through the same services. It may import every app; none imports it."""

    name = "provisioning"
    verbose_name = "Khởi tạo cổng và trang thông tin"

    def ready(self):
        from django.db.models.signals import post_migrate

        # After the last app's post_migrate: every permission exists by then, including the ones
        # other apps create in their own post_migrate (Wagtail's snippet publish and lock permissions).
        post_migrate.connect(_sync_roles, sender=list(apps.get_app_configs())[-1])


def _sync_roles(using, **kwargs):
    """After every `migrate`: the permissions of features added since a site was provisioned."""
    from provisioning.services import roles_sync

    roles_sync()
