"""The alerts admin: composing, publishing (emergency publishers only), read-only published alerts,
updates and cancels, all inside the user's communes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from broadcasts.alerts import alert_publish
from broadcasts.models import Alert, AlertMessageType, Area, Device, DeviceKind, DeviceState, DisplayType
from tests.broadcasts.test_alerts_services import commune_publisher, make_alert, portal_publisher, published_alert
from tests.conftest import client_for


def url(name, *args):
    return reverse(f"broadcasts_alert:{name}", args=args)


def denied(response):
    """Wagtail's answer to a PermissionDenied in the admin: back to the dashboard with an error message."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def form_data(**overrides):
    expires = timezone.localtime() + datetime.timedelta(hours=6)
    data = {
        "status": "Actual", "category": "Met", "event": "Lũ quét", "severity": "Severe", "urgency": "Immediate",
        "certainty": "Likely", "headline": "Lũ quét trên sông Đắk Psi", "description": "Nước lên nhanh.",
        "instruction": "Di chuyển lên chỗ cao.", "expires": expires.strftime("%Y-%m-%d %H:%M"),
        "effective": "", "onset": "", "area_description": "", "polygon": "", "sender_name": "",
        "radio_repeats": "3", "radio_gap_min": "10",
        "translations-TOTAL_FORMS": "0", "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0", "translations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def publisher_a(district):
    return commune_publisher(district.a)


def test_the_form_offers_only_the_users_communes_and_their_villages(district):
    Area.objects.create(commune=district.a, name="Thôn Kon Stiu")
    Area.objects.create(commune=district.b, name="Thôn Kon Jong")
    response = client_for(district.editor_a).get(url("add"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["communes"].queryset) == [district.a]
    assert list(form.fields["issuer"].queryset) == [district.a]
    assert [a.name for a in form.fields["areas"].queryset] == ["Thôn Kon Stiu"]
    assert "Thôn Kon Jong" not in response.content.decode()


def test_an_editor_composes_a_draft_that_is_not_yet_published(district):
    response = client_for(district.editor_a).post(url("add"), form_data(issuer=district.a.pk, communes=[district.a.pk]))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    alert = Alert.objects.get()
    assert alert.sent is None and alert.created_by == district.editor_a and list(alert.communes.all()) == [district.a]
    assert alert.msg_type == AlertMessageType.ALERT


def test_an_editor_sets_how_the_radio_repeats_it_and_may_attach_a_recording(district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    recording = SimpleUploadedFile("canh-bao.mp3", b"ID3" + b"\0" * 64, content_type="audio/mpeg")
    data = form_data(issuer=district.a.pk, communes=[district.a.pk], radio_repeats="5", radio_gap_min="2",
                     radio_recording=recording)
    response = client_for(district.editor_a).post(url("add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    alert = Alert.objects.get()
    assert (alert.radio_repeats, alert.radio_gap_min) == (5, 2) and alert.radio_recording.name.endswith(".mp3")

    refused = client_for(district.editor_a).post(url("add"), form_data(
        issuer=district.a.pk, communes=[district.a.pk],
        radio_recording=SimpleUploadedFile("thong-bao.exe", b"MZ", content_type="application/octet-stream")))
    assert refused.status_code == 200 and "Bản ghi âm phải là tệp âm thanh" in refused.content.decode()


def test_a_commune_user_cannot_include_another_commune_or_issue_for_the_portal(district, publisher_a):
    client = client_for(publisher_a)
    response = client.post(url("add"), form_data(issuer=district.a.pk, communes=[district.a.pk, district.b.pk]))
    assert response.status_code == 200 and "communes" in response.context["form"].errors
    response = client.post(url("add"), form_data(issuer="", communes=[district.a.pk]))
    assert response.status_code == 200 and "issuer" in response.context["form"].errors
    assert not Alert.objects.exists()


def test_the_form_refuses_villages_outside_the_affected_communes_and_open_polygons(district):
    village_b = Area.objects.create(commune=district.b, name="Thôn Kon Jong")
    client = client_for(district.district_admin)
    response = client.post(url("add"), form_data(communes=[district.a.pk], areas=[village_b.pk],
                                                 polygon="14.5,107.9 14.6,107.9 14.6,108.0 14.7,108.1"))
    errors = response.context["form"].errors
    assert "Thôn Kon Jong" in errors["areas"][0] and "khép kín" in errors["polygon"][0]


def test_the_publish_page_says_what_will_happen(district, publisher_a):
    for i in range(2):
        Device.objects.create(commune=district.a, name=f"Bảng {i}", kind=DeviceKind.BOARD, display_type=DisplayType.LED,
                              width=192, height=64, state=DeviceState.ACTIVE)
    Device.objects.create(commune=district.a, name="Cụm loa thôn 1", kind=DeviceKind.SPEAKER, state=DeviceState.ACTIVE)
    Device.objects.create(commune=district.b, name="Bảng của Hà Mòn", kind=DeviceKind.BOARD, display_type=DisplayType.LED,
                          width=192, height=64, state=DeviceState.ACTIVE)
    alert = make_alert(issuer=district.a, communes=[district.a])
    response = client_for(publisher_a).get(url("publish", alert.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert "2 bảng tin điện tử và 1 cụm loa" in text and "Xã Đắk La" in text and "Phát ngay" in text
    assert Alert.objects.get(pk=alert.pk).sent is None  # a GET publishes nothing


def test_a_user_without_the_emergency_role_is_refused_publish_and_cancel(district):
    alert = make_alert(issuer=district.a, communes=[district.a])
    client = client_for(district.approver_a)
    assert denied(client.get(url("publish", alert.pk)))
    assert denied(client.post(url("publish", alert.pk)))
    assert Alert.objects.get(pk=alert.pk).sent is None
    live = published_alert(district.a)
    assert denied(client.post(url("cancel", live.pk), {"note": "x"}))
    assert not Alert.objects.filter(msg_type=AlertMessageType.CANCEL).exists()


def test_publishing_twice_publishes_once(district, publisher_a):
    alert = make_alert(issuer=district.a, communes=[district.a])
    client = client_for(publisher_a)
    first = client.post(url("publish", alert.pk))
    assert first.status_code == 302 and first["Location"] == url("inspect", alert.pk)
    sent = Alert.objects.get(pk=alert.pk).sent
    second = client.post(url("publish", alert.pk), follow=True)
    assert second.status_code == 200 and "đã được phát" in second.content.decode()
    assert Alert.objects.get(pk=alert.pk).sent == sent
    assert Alert.objects.published().count() == 1


def test_publishing_an_invalid_draft_shows_why_in_vietnamese(district, publisher_a):
    alert = make_alert(issuer=district.a, communes=[district.a], expires=timezone.now() - datetime.timedelta(minutes=1))
    response = client_for(publisher_a).post(url("publish", alert.pk))
    assert response.status_code == 200 and "Thời điểm hết hiệu lực đã qua." in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).sent is None


def test_commune_b_staff_never_see_nor_act_on_commune_a_alerts(district):
    draft = make_alert(issuer=district.a, communes=[district.a], headline="Cảnh báo riêng của Đắk La")
    live = published_alert(district.a, headline="Cảnh báo đã phát của Đắk La")
    publisher_b = commune_publisher(district.b, username="phat_canh_bao_ha_mon")
    for user in (district.editor_b, district.approver_b, publisher_b):
        client = client_for(user)
        index = client.get(url("index"))
        assert index.status_code == 200
        assert "Đắk La" not in index.content.decode()
        for name, alert in (("edit", draft), ("inspect", live), ("delete", draft), ("publish", draft),
                            ("update", live), ("cancel", live)):
            for method in ("get", "post"):
                response = getattr(client, method)(url(name, alert.pk))
                assert response.status_code == 404 or denied(response), (user, name, method, response.status_code)
    assert Alert.objects.get(pk=draft.pk).sent is None
    assert Alert.objects.published().count() == 1 and Alert.objects.count() == 2


def test_published_alerts_are_read_only(district, publisher_a):
    live = published_alert(district.a, publisher_a)
    client = client_for(publisher_a)
    edit = client.get(url("edit", live.pk))
    assert edit.status_code == 302 and edit["Location"] == url("inspect", live.pk)
    client.post(url("edit", live.pk), form_data(issuer=district.a.pk, communes=[district.a.pk], headline="Đổi"))
    client.post(url("delete", live.pk))
    assert Alert.objects.get(pk=live.pk).headline == live.headline
    inspect = client.get(url("inspect", live.pk)).content.decode()
    assert live.identifier in inspect and "Đang hiệu lực" in inspect


def test_only_emergency_publishers_see_the_publish_and_cancel_buttons(district, publisher_a):
    live = published_alert(district.a, publisher_a)
    draft = make_alert(issuer=district.a, communes=[district.a])
    editor_view = client_for(district.editor_a).get(url("inspect", live.pk)).content.decode()
    assert "Đang hiệu lực" in editor_view and url("cancel", live.pk) not in editor_view
    assert url("update", live.pk) in editor_view
    assert url("publish", draft.pk) not in client_for(district.editor_a).get(url("edit", draft.pk)).content.decode()
    publisher_view = client_for(publisher_a).get(url("inspect", live.pk)).content.decode()
    assert url("cancel", live.pk) in publisher_view
    assert url("publish", draft.pk) in client_for(publisher_a).get(url("edit", draft.pk)).content.decode()


def test_update_creates_a_prefilled_draft_and_cancel_ends_the_alert(district, publisher_a):
    live = published_alert(district.a, publisher_a)
    client = client_for(publisher_a)
    assert client.get(url("update", live.pk)).status_code == 200
    response = client.post(url("update", live.pk))
    draft = Alert.objects.get(references=live, msg_type=AlertMessageType.UPDATE)
    assert response.status_code == 302 and response["Location"] == url("edit", draft.pk)
    assert draft.headline == live.headline and draft.sent is None

    assert "Lý do hủy" in client.get(url("cancel", live.pk)).content.decode()
    response = client.post(url("cancel", live.pk), {"note": "Nước đã rút."})
    cancel = Alert.objects.get(msg_type=AlertMessageType.CANCEL)
    assert response.status_code == 302 and response["Location"] == url("inspect", cancel.pk)
    live.refresh_from_db()
    assert live.superseded_at is not None and cancel.description == "Nước đã rút."


def test_the_listing_shows_each_state_and_filters_by_it(district):
    publisher = portal_publisher()
    draft = make_alert(issuer=None, communes=[district.a], headline="Bản nháp A")
    active = alert_publish(alert=make_alert(issuer=None, communes=[district.a], headline="Đang hiệu lực A"),
                           user=publisher)
    expired = alert_publish(alert=make_alert(issuer=None, communes=[district.b], headline="Đã hết B"), user=publisher)
    Alert.objects.filter(pk=expired.pk).update(expires=timezone.now() - datetime.timedelta(minutes=1))
    client = client_for(district.district_admin)
    text = client.get(url("index")).content.decode()
    for headline in (draft.headline, active.headline, "Đã hết B"):
        assert headline in text
    assert "Bản nháp" in text and "Hết hiệu lực" in text
    filtered = client.get(url("index"), {"state": "active"}).content.decode()
    assert "Đang hiệu lực A" in filtered and "Bản nháp A" not in filtered and "Đã hết B" not in filtered
    by_commune = client.get(url("index"), {"commune": district.b.pk}).content.decode()
    assert "Đã hết B" in by_commune and "Đang hiệu lực A" not in by_commune
