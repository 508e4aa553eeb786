"""Enabling a language on a site, and what a site's pages in that language hang from.

Wagtail puts a page's translation under the translation of its parent. A commune's home sits under the
portal's home, so wagtail-localize would translate the portal's home first (as an alias) to hold a Ba Na
version of a commune page: the portal would gain a Ba Na site it never asked for. Instead, enabling a
language on a commune makes the commune home's version in that language (an alias: the Vietnamese
content until someone translates it) beside the Vietnamese home, under the same parent. Everything the
commune's translators then make in that language lies below it, inside the commune; nothing is created at
the portal or on another commune's site. Wagtail routes a site to its home's translation wherever it sits.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Locale

from languages import registry
from languages.models import SiteLanguage
from sites.models import Portal


def site_home(commune):
    """The Vietnamese home page of a commune site, or of the portal for None."""
    home = commune.home if commune is not None else Portal.objects.select_related("home").get().home
    return home.specific


def prepare_site(site_language):
    """The locale of the language, and the site's home in it (an alias of the Vietnamese home)."""
    registry.current(force=True)
    locale, _created = Locale.objects.get_or_create(language_code=site_language.language.code)
    home = site_home(site_language.commune)
    translated_home = home.get_translations().filter(locale=locale).first()
    if translated_home is None:
        translated_home = home.create_alias(
            parent=home.get_parent(), update_locale=locale, update_slug=f"{home.slug}-{locale.language_code}",
            reset_translation_key=False,
        )
    _translators(site_language, translated_home)
    return locale


# What a translator may do: translate (wagtail-localize) and edit pages below the site's home in the
# language, never publish (the commune's approvers do, through its workflow).
TRANSLATOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
TRANSLATOR_MODEL_PERMISSIONS = [("wagtailadmin", "access_admin"), ("wagtail_localize", "submit_translation")]


def _translators(site_language, translated_home):
    if site_language.translators_id is None:
        scope = site_language.commune.name if site_language.commune_id else "Cổng thông tin"
        group, _created = Group.objects.get_or_create(name=f"Biên dịch viên {site_language.language.name} – {scope}")
        site_language.translators = group
        site_language.save(update_fields=["translators"])
    group = site_language.translators
    for app_label, codename in TRANSLATOR_MODEL_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for codename in TRANSLATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=translated_home,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )


@transaction.atomic
def enable_language(language, commune=None):
    """Enable `language` on a commune site (or the portal, for None). Idempotent. However the row is
    made (here, the admin, a shell), its site is prepared as it is saved (`site_language_saved`)."""
    site_language, _created = SiteLanguage.objects.get_or_create(commune=commune, language=language)
    return site_language


def site_language_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        prepare_site(instance)
