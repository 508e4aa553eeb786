from django.apps import AppConfig


class LanguagesConfig(AppConfig):
    name = "languages"
    verbose_name = "Ngôn ngữ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from languages import registry, services, translating
        from languages.models import SiteLanguage

        registry.connect()
        translating.forbid_locale_synchronisation()
        post_save.connect(services.site_language_saved, sender=SiteLanguage, dispatch_uid="languages-site-prepared")
