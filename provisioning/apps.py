from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """The top layer: creating portals and communes from official data, merging communes after a
    reform, and the demo, all through the same services. It may import every app; none imports it."""

    name = "provisioning"
    verbose_name = "Khởi tạo cổng và trang thông tin"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(using, **kwargs):
    """After every `migrate`: the permissions of features added since a site was provisioned."""
    from provisioning.services import roles_sync

    roles_sync()
