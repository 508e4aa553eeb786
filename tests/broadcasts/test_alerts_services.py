"""Publishing emergency alerts: who may, for which communes, what a publish writes, and updates and cancels."""

import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from broadcasts.alerts import (
    AlertAlreadySent,
    active_alerts_for_site,
    alert_cancel,
    alert_publish,
    alert_state,
    alert_update_draft,
    ended_alerts_for_site,
)
from broadcasts.models import Alert, AlertMessageType, AlertStatus, AlertTranslation, Area, CommuneFeed
from provisioning.services import PORTAL_ADMINS_GROUP, emergency_publishers_group, roles_sync
from tests.conftest import make_user

HOUR = datetime.timedelta(hours=1)


# ------------------------------------------------------------------------------------------ helpers
# (imported by the other alert test modules)


def emergency_group():
    roles_sync()  # the group's permissions, as `migrate` grants them
    return emergency_publishers_group()


def commune_publisher(site, username="phat_canh_bao_xa"):
    """A commune's approver who also holds the emergency-publisher role."""
    return make_user(username, site.approvers, emergency_group())


def portal_publisher(username="phat_canh_bao_cong"):
    return make_user(username, Group.objects.get(name=PORTAL_ADMINS_GROUP), emergency_group())


def make_alert(*, issuer, communes, areas=(), **fields):
    values = {
        "headline": "Lũ quét trên sông Đắk Psi", "event": "Lũ quét",
        "description": "Mưa lớn kéo dài, nước sông Đắk Psi lên nhanh.",
        "instruction": "Không qua lại ngầm tràn; di chuyển người và tài sản lên chỗ cao.",
        "expires": timezone.now() + 6 * HOUR,
    }
    alert = Alert.objects.create(issuer=issuer, **{**values, **fields})
    alert.communes.set(communes)
    alert.areas.set(areas)
    return alert


def published_alert(site, publisher=None, **fields):
    publisher = publisher or commune_publisher(site, username=f"phat_{site.pk}_{Alert.objects.count()}")
    return alert_publish(alert=make_alert(issuer=site, communes=[site], **fields), user=publisher)


# -------------------------------------------------------------------------------------------- tests


def test_a_commune_publisher_publishes_an_alert_for_their_commune(district):
    publisher = commune_publisher(district.a)
    alert = make_alert(issuer=district.a, communes=[district.a])
    before = timezone.now().replace(microsecond=0)

    published = alert_publish(alert=alert, user=publisher)

    assert published.sent >= before and published.sent_by == publisher
    assert published.effective == published.sent
    assert published.identifier == f"{settings.SITE_DOMAIN}.{published.sent.astimezone(datetime.UTC):%Y%m%d%H%M%S}.{alert.pk}"
    assert published.sender_name == "Ủy ban nhân dân xã Đắk La"
    assert published.is_active()
    assert active_alerts_for_site(commune=district.a) == [published]
    assert active_alerts_for_site(commune=district.b) == []
    assert active_alerts_for_site(commune=None) == [published]


def test_publishing_bumps_the_alert_feeds_of_the_affected_communes_only(district):
    alert = make_alert(issuer=district.a, communes=[district.a])
    alert_publish(alert=alert, user=commune_publisher(district.a))
    feeds = {feed.commune_id: feed for feed in CommuneFeed.objects.all()}
    assert feeds[district.a.pk].alerts_revision == 2
    assert district.b.pk not in feeds or feeds[district.b.pk].alerts_revision == 1


def test_a_user_without_the_emergency_role_cannot_publish(district):
    alert = make_alert(issuer=district.a, communes=[district.a])
    with pytest.raises(PermissionDenied):
        alert_publish(alert=alert, user=district.approver_a)
    alert.refresh_from_db()
    assert alert.sent is None and alert.identifier is None


def test_a_commune_publisher_cannot_publish_for_another_commune(district):
    publisher = commune_publisher(district.a)
    their_own_with_b = make_alert(issuer=district.a, communes=[district.a, district.b])
    with pytest.raises(PermissionDenied, match="Hà Mòn"):
        alert_publish(alert=their_own_with_b, user=publisher)
    b_alert = make_alert(issuer=district.b, communes=[district.b])
    with pytest.raises(PermissionDenied):
        alert_publish(alert=b_alert, user=publisher)
    assert not Alert.objects.published().exists()


def test_portal_staff_publish_for_any_of_their_communes(district):
    alert = make_alert(issuer=None, communes=[district.a, district.b])
    published = alert_publish(alert=alert, user=portal_publisher())
    assert published.sender_name  # the portal's agency
    assert active_alerts_for_site(commune=district.b) == [published]


def test_a_second_publish_of_the_same_alert_changes_nothing(district):
    publisher = commune_publisher(district.a)
    alert = make_alert(issuer=district.a, communes=[district.a])
    first = alert_publish(alert=alert, user=publisher)
    revision = CommuneFeed.objects.get(commune=district.a).alerts_revision
    stale = Alert.objects.get(pk=alert.pk)
    with pytest.raises(AlertAlreadySent):
        alert_publish(alert=stale, user=publisher)
    again = Alert.objects.get(pk=alert.pk)
    assert (again.sent, again.identifier) == (first.sent, first.identifier)
    assert CommuneFeed.objects.get(commune=district.a).alerts_revision == revision


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                    reason="row locks need PostgreSQL (SQLite serialises writers and has no SELECT FOR UPDATE)")
def test_two_simultaneous_publishes_of_one_alert_publish_it_once(district):
    publisher = commune_publisher(district.a)
    alert = make_alert(issuer=district.a, communes=[district.a])
    outcomes = []
    barrier = threading.Barrier(2)

    def click():
        try:
            barrier.wait()
            alert_publish(alert=Alert.objects.get(pk=alert.pk), user=publisher)
            outcomes.append("published")
        except AlertAlreadySent:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "published"]


@pytest.mark.parametrize("fields, field, message", [
    ({"expires": "past"}, "expires", "đã qua"),
    ({"effective": "+3h", "expires": "+2h"}, "expires", "phải sau thời điểm có hiệu lực"),
    ({"onset": "+7h"}, "onset", "trước thời điểm hết hiệu lực"),
    ({"polygon": "14.5,107.9 14.6,107.9 14.6,108.0"}, "polygon", "ít nhất 4 điểm"),
    ({"polygon": "14.5,107.9 14.6,107.9 14.6,108.0 14.5,108.0"}, "polygon", "khép kín"),
    ({"polygon": "14.5;107.9 x"}, "polygon", "không đúng dạng"),
    ({"polygon": "95,107.9 14.6,107.9 14.6,108.0 95,107.9"}, "polygon", "ngoài phạm vi"),
    ({"headline": "  "}, "headline", "tiêu đề"),
])
def test_publishing_refuses_an_invalid_alert_in_vietnamese(district, fields, field, message):
    now = timezone.now()
    times = {"past": now - HOUR, "+2h": now + 2 * HOUR, "+3h": now + 3 * HOUR, "+7h": now + 7 * HOUR}
    fields = {key: times.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    alert = make_alert(issuer=district.a, communes=[district.a], **fields)
    with pytest.raises(ValidationError) as raised:
        alert_publish(alert=alert, user=commune_publisher(district.a))
    assert message in " ".join(raised.value.message_dict[field])
    assert Alert.objects.get(pk=alert.pk).sent is None


def test_a_closed_polygon_of_four_points_is_accepted(district):
    polygon = "14.5,107.9 14.6,107.9 14.6,108.0 14.5,107.9"
    published = published_alert(district.a, polygon=polygon)
    assert published.polygon == polygon


def test_areas_must_belong_to_the_affected_communes(district):
    village_b = Area.objects.create(commune=district.b, name="Thôn Kon Jong")
    alert = make_alert(issuer=None, communes=[district.a], areas=[village_b])
    with pytest.raises(ValidationError) as raised:
        alert_publish(alert=alert, user=portal_publisher())
    assert "Thôn Kon Jong" in raised.value.message_dict["areas"][0]


def test_an_update_supersedes_its_original_and_carries_its_translations(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    AlertTranslation.objects.create(alert=original, language="bdq", event="Lũ", headline="Tơdrong lũ",
                                    description="Mô tả tiếng Ba Na.")
    draft = alert_update_draft(original=original, user=district.editor_a)
    assert draft.msg_type == AlertMessageType.UPDATE and draft.references == original and draft.sent is None
    assert list(draft.translations.values_list("language", flat=True)) == ["bdq"]
    assert list(draft.communes.all()) == [district.a]
    assert original.is_active()  # a draft changes nothing

    draft.headline = "Lũ quét: nước tiếp tục lên"
    draft.save()
    update = alert_publish(alert=draft, user=publisher)

    original.refresh_from_db()
    assert original.superseded_at == update.sent
    assert alert_state(original) == ("superseded", "Đã được cập nhật")
    assert active_alerts_for_site(commune=district.a) == [update]


def test_an_update_of_a_superseded_alert_is_refused(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    first = alert_update_draft(original=original, user=publisher)
    second = alert_update_draft(original=original, user=publisher)
    alert_publish(alert=first, user=publisher)
    with pytest.raises(ValidationError, match="tin mới nhất"):
        alert_publish(alert=second, user=publisher)
    with pytest.raises(ValidationError):
        alert_update_draft(original=original, user=publisher)


def test_commune_b_staff_cannot_draft_an_update_of_commune_a_alert(district):
    original = published_alert(district.a)
    with pytest.raises(PermissionDenied):
        alert_update_draft(original=original, user=district.editor_b)


def test_cancel_publishes_a_cancel_message_and_ends_the_alert(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    cancel = alert_cancel(original=original, user=publisher, note="Nước đã rút.")

    assert cancel.msg_type == AlertMessageType.CANCEL and cancel.references == original
    assert cancel.sent is not None and cancel.identifier and cancel.description == "Nước đã rút."
    original.refresh_from_db()
    assert original.superseded_at == cancel.sent
    assert alert_state(original) == ("cancelled", "Đã hủy")
    assert active_alerts_for_site(commune=district.a) == []
    assert ended_alerts_for_site(commune=district.a) == [original]
    assert CommuneFeed.objects.get(commune=district.a).alerts_revision == 3  # publish, then cancel


def test_cancel_needs_the_emergency_role_and_writes_nothing_without_it(district):
    original = published_alert(district.a)
    with pytest.raises(PermissionDenied):
        alert_cancel(original=original, user=district.approver_a)
    assert not Alert.objects.filter(msg_type=AlertMessageType.CANCEL).exists()
    original.refresh_from_db()
    assert original.superseded_at is None


def test_cancelling_twice_is_refused_and_leaves_one_cancel(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    alert_cancel(original=original, user=publisher)
    with pytest.raises(ValidationError):
        alert_cancel(original=Alert.objects.get(pk=original.pk), user=publisher)
    assert Alert.objects.filter(msg_type=AlertMessageType.CANCEL).count() == 1


def test_an_expired_alert_is_no_longer_active_and_shows_as_ended(district):
    alert = published_alert(district.a)
    Alert.objects.filter(pk=alert.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    alert.refresh_from_db()
    assert active_alerts_for_site(commune=district.a) == []
    assert alert_state(alert) == ("expired", "Hết hiệu lực")
    assert ended_alerts_for_site(commune=district.a) == [alert]


def test_exercises_are_published_but_never_shown_as_real_alerts(district):
    exercise = published_alert(district.a, status=AlertStatus.EXERCISE)
    assert active_alerts_for_site(commune=district.a) == []
    assert active_alerts_for_site(commune=district.a, statuses=AlertStatus.values) == [exercise]


def test_several_active_alerts_are_ordered_by_severity_urgency_then_newest(district):
    minor = published_alert(district.a, severity="Minor", headline="Nhẹ")
    severe_later = published_alert(district.a, severity="Severe", urgency="Expected", headline="Nặng, sắp tới")
    severe_now = published_alert(district.a, severity="Severe", urgency="Immediate", headline="Nặng, ngay")
    extreme = published_alert(district.a, severity="Extreme", urgency="Future", headline="Rất nặng")
    assert active_alerts_for_site(commune=district.a) == [extreme, severe_now, severe_later, minor]
