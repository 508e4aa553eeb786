from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "Cổng và trang thông tin các xã"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sites import chrome, scoping, site_index, translations

        translations.connect()
        scoping.tenancy_policies_register()
        site_index.connect()
        chrome.connect()
