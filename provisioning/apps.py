from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """The top layer: creating portals and communes from official data, merging communes after a
    reform, and the demo, all through the same services. It may import every app; none imports it."""

    name = "provisioning"
    verbose_name = "Khởi tạo cổng và trang thông tin"
