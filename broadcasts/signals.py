"""Feed revisions follow content: a board notice or a radio bulletin published, unpublished or deleted,
a relay, a commune's radio settings or a village (its radio language) saved or deleted, or a device
changed in the admin, bumps the revision its devices' ETags are computed from.

Radio audio follows text: a bulletin, a minority-language version or an alert gets the key of its audio
whenever it is saved (the row, and every revision of a bulletin's content), and a saved bulletin or
version has its audio requested once the save commits (`broadcasts.speech`); an alert's is requested
when it is published (`alerts.alert_publish`).
"""

import dataclasses

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Revision
from wagtail.signals import published, unpublished

from broadcasts import speech
from broadcasts.models import Alert, Area, BoardNotice, BulletinVersion, Device, RadioBulletin, RadioSettings, Relay
from broadcasts.services import device_touch, feeds_touch

# Fields the device API itself writes: they do not change what the device should play.
DEVICE_REPORT_FIELDS = {
    "last_seen_at", "last_ip", "last_snapshot_revision", "last_status",
    "token_hash", "token_issued_at", "claim_hash", "approved_at", "approved_by", "state",
}


@receiver(published, sender=BoardNotice)
@receiver(unpublished, sender=BoardNotice)
@receiver(post_delete, sender=BoardNotice)
def notice_changed(sender, instance, **kwargs):
    feeds_touch(communes=instance.communes_reached(), alerts=instance.broadcast_class == "emergency")


@receiver(post_save, sender=Device)
def device_changed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and set(update_fields) <= DEVICE_REPORT_FIELDS):
        return
    device_touch(device=instance)


# -------------------------------------------------------------------------------------- radio audio

# The fields a key is computed from: a save limited to other fields (`update_fields`) keeps the key.
KEY_INPUTS = {
    RadioBulletin: {"commune", "commune_id", "text", "language", "recording"},
    BulletinVersion: {"bulletin", "bulletin_id", "language", "recording"},
    Alert: {"issuer", "issuer_id", "headline", "description", "instruction", "radio_recording", "radio_repeats"},
}
KEY_FIELD = {RadioBulletin: "audio_key", BulletinVersion: "audio_key", Alert: "radio_audio_key"}
SOURCE = {RadioBulletin: speech.bulletin_source, BulletinVersion: speech.version_source, Alert: speech.alert_source}


def _keyed(sender, update_fields) -> bool:
    return update_fields is None or bool(set(update_fields) & KEY_INPUTS[sender])


@receiver(pre_save, sender=RadioBulletin)
@receiver(pre_save, sender=BulletinVersion)
@receiver(pre_save, sender=Alert)
def audio_key_set(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _keyed(sender, update_fields):
        return
    source = SOURCE[sender](instance)
    setattr(instance, KEY_FIELD[sender], source.key if source else "")
    instance._speech_source = source


@receiver(post_save, sender=RadioBulletin)
@receiver(post_save, sender=BulletinVersion)
@receiver(post_save, sender=Alert)
def audio_key_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _keyed(sender, update_fields):
        return
    field = KEY_FIELD[sender]
    if update_fields is not None and field not in update_fields:  # the save named its fields: add the key
        sender.objects.filter(pk=instance.pk).update(**{field: getattr(instance, field)})
    source = instance.__dict__.pop("_speech_source", None)
    if source is None or sender is Alert:  # an alert's audio is made when it is published
        return
    if source.kind == speech.RECORDING:  # the upload was stored by this save: its name is final now
        source = dataclasses.replace(source, recording=instance.recording.name)
    speech.audio_request_on_commit(source)


@receiver(pre_save, sender=Revision)
def bulletin_revision_keys(sender, instance, raw=False, update_fields=None, **kwargs):
    """A bulletin's revision carries the keys of its content, so publishing it (or approving it in the
    workflow) sets the keys of what the approver heard. An upload made while editing a live bulletin
    (Wagtail saves only the revision then) is stored first, so the revision names a file that exists."""
    if raw or (update_fields is not None and "content" not in update_fields):
        return
    if instance.content_type_id != speech.bulletin_revision_type_id():
        return
    if Revision.content_object.is_cached(instance):
        bulletin = instance.content_object
        stored = speech.store_upload(bulletin.recording)
        for version in bulletin.versions.all():
            stored = speech.store_upload(version.recording) or stored
        if stored:
            instance.content = bulletin.serializable_data()
    instance.content, instance._speech_sources = speech.revision_content_with_keys(instance.content)


@receiver(post_save, sender=Revision)
def bulletin_revision_saved(sender, instance, raw=False, **kwargs):
    sources = instance.__dict__.pop("_speech_sources", None)
    if sources:
        speech.audio_request_on_commit(*sources)


@receiver(published, sender=RadioBulletin)
@receiver(unpublished, sender=RadioBulletin)
@receiver(post_delete, sender=RadioBulletin)
def bulletin_changed(sender, instance, **kwargs):
    feeds_touch(communes=[instance.commune_id])


@receiver(post_save, sender=Relay)
@receiver(post_delete, sender=Relay)
@receiver(post_save, sender=RadioSettings)
@receiver(post_delete, sender=RadioSettings)
@receiver(post_save, sender=Area)
@receiver(post_delete, sender=Area)
def radio_changed(sender, instance, **kwargs):
    """A relay, the quiet hours and longest broadcast, or the language a village's clusters play."""
    feeds_touch(communes=[instance.commune_id])
