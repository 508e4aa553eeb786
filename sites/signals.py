"""Translations of a site's home page share its tenancy.

wagtail-localize puts the English version of a commune's pages under an English copy of its home
page, outside the Vietnamese subtree its groups hold permissions on. When that copy is made, the same
groups get the same permissions and workflow on it, so a commune's editors can translate and edit
their own English pages, and only theirs.
"""

from django.db.models.signals import post_save
from wagtail.models import GroupPagePermission, Locale, WorkflowPage

from sites.pages import COMMUNE, PORTAL, site_home_model


def share_tenancy_with_translation(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.locale_id == Locale.get_default().pk:
        return
    original = sender.objects.filter(translation_key=instance.translation_key, locale=Locale.get_default()).first()
    if original is None:
        return
    for grant in GroupPagePermission.objects.filter(page=original):
        GroupPagePermission.objects.get_or_create(group_id=grant.group_id, page=instance, permission_id=grant.permission_id)
    workflow = WorkflowPage.objects.filter(page=original).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow_id": workflow.workflow_id})


def connect():
    for level in (PORTAL, COMMUNE):
        model = site_home_model(level)
        post_save.connect(share_tenancy_with_translation, sender=model, dispatch_uid=f"share-tenancy-{level}")
