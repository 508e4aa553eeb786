"""CAP 1.2 documents of alerts (valid against the OASIS schema, one info per language) and the Atom index."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from lxml import etree

from broadcasts.alerts import alert_cancel, alert_publish, alert_update_draft
from broadcasts.cap import (
    CAP_NS,
    GEOCODE_VALUE_NAME,
    alert_cap_xml,
    alert_urls,
    cap_schema,
    cap_xml_errors,
)
from broadcasts.models import AlertStatus, AlertTranslation, Area
from tests.broadcasts.test_alerts_services import commune_publisher, make_alert, portal_publisher, published_alert

NS = {"cap": CAP_NS, "atom": "http://www.w3.org/2005/Atom"}
CAP_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00"


def parse(xml):
    return etree.fromstring(xml)


def texts(document, path):
    return [node.text for node in document.iterfind(path, NS)]


def assert_valid(xml):
    document = parse(xml)
    assert cap_schema().validate(document), cap_schema().error_log
    assert cap_xml_errors(xml) == []
    return document


@pytest.fixture
def translated_alert(district):
    village = Area.objects.create(commune=district.a, name="Thôn 1")
    alert = make_alert(issuer=district.a, communes=[district.a], areas=[village],
                       polygon="14.50,107.90 14.60,107.90 14.60,108.00 14.50,107.90",
                       onset=timezone.now() + datetime.timedelta(minutes=30))
    AlertTranslation.objects.create(alert=alert, language="bdq", event="Lũ quét", headline="Tơdrong lũ quét",
                                    description="Mô tả tiếng Ba Na.", instruction="Hướng dẫn tiếng Ba Na.")
    AlertTranslation.objects.create(alert=alert, language="sed", event="Lũ quét", headline="Lũ quét (Xơ Đăng)",
                                    description="Mô tả tiếng Xơ Đăng.")
    return alert_publish(alert=alert, user=commune_publisher(district.a))


def test_a_published_alert_is_a_valid_cap_document_with_one_info_per_language(translated_alert, district):
    document = assert_valid(alert_cap_xml(translated_alert))
    assert document.tag == f"{{{CAP_NS}}}alert"
    assert texts(document, "cap:identifier") == [translated_alert.identifier]
    assert texts(document, "cap:sender") == [settings.SITE_DOMAIN]
    assert texts(document, "cap:status") == ["Actual"] and texts(document, "cap:msgType") == ["Alert"]
    assert texts(document, "cap:scope") == ["Public"] and texts(document, "cap:references") == []
    assert texts(document, "cap:info/cap:language") == ["vi-VN", "bdq-VN", "sed-VN"]
    assert texts(document, "cap:info/cap:headline") == ["Lũ quét trên sông Đắk Psi", "Tơdrong lũ quét", "Lũ quét (Xơ Đăng)"]
    assert texts(document, "cap:info/cap:senderName") == ["Ủy ban nhân dân xã Đắk La"] * 3
    assert texts(document, "cap:info/cap:web") == [alert_urls(translated_alert)["page"]] * 3
    assert alert_urls(translated_alert)["page"].endswith(f"/canh-bao/{translated_alert.pk}/")
    info = document.find("cap:info", NS)
    for tag in ("effective", "onset", "expires"):
        assert len(texts(info, f"cap:{tag}")) == 1 and texts(info, f"cap:{tag}")[0].endswith("+07:00")
    assert texts(document, "cap:sent")[0].endswith("+07:00")
    assert texts(info, "cap:area/cap:areaDesc") == ["Xã Đắk La (Thôn 1)"]
    assert texts(info, "cap:area/cap:polygon") == ["14.50,107.90 14.60,107.90 14.60,108.00 14.50,107.90"]
    assert texts(info, "cap:area/cap:geocode/cap:valueName") == [GEOCODE_VALUE_NAME]
    assert texts(info, "cap:area/cap:geocode/cap:value") == ["23524"]


def test_a_portal_alert_names_every_affected_commune_by_its_unit_code(district):
    alert = alert_publish(alert=make_alert(issuer=None, communes=[district.a, district.b], instruction=""),
                          user=portal_publisher())
    document = assert_valid(alert_cap_xml(alert))
    assert texts(document, "cap:info/cap:area/cap:geocode/cap:value") == ["23521", "23524"]
    assert texts(document, "cap:info/cap:senderName") == ["Ủy ban nhân dân huyện Đắk Hà"]
    assert texts(document, "cap:info/cap:instruction") == []  # optional elements are left out, not empty


def test_updates_and_cancels_reference_every_earlier_message(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    update = alert_publish(alert=alert_update_draft(original=original, user=publisher), user=publisher)
    cancel = alert_cancel(original=update, user=publisher, note="Nước đã rút, hết nguy cơ lũ quét.")

    update_doc = assert_valid(alert_cap_xml(update))
    sent = timezone.localtime(original.sent).isoformat()
    assert texts(update_doc, "cap:msgType") == ["Update"]
    assert texts(update_doc, "cap:references") == [f"{settings.SITE_DOMAIN},{original.identifier},{sent}"]

    cancel_doc = assert_valid(alert_cap_xml(cancel))
    assert texts(cancel_doc, "cap:msgType") == ["Cancel"]
    assert texts(cancel_doc, "cap:note") == ["Nước đã rút, hết nguy cơ lũ quét."]
    assert [r.split(",")[1] for r in texts(cancel_doc, "cap:references")[0].split()] == [
        original.identifier, update.identifier]


def test_exercise_and_test_alerts_keep_their_status(district):
    for status in (AlertStatus.EXERCISE, AlertStatus.TEST):
        alert = published_alert(district.a, status=status)
        assert texts(assert_valid(alert_cap_xml(alert)), "cap:status") == [status]


def _mutated(xml, old, new):
    assert old.encode() in xml
    return xml.replace(old.encode(), new.encode(), 1)


def test_the_checks_catch_what_the_schema_and_cap_rules_forbid(translated_alert):
    xml = alert_cap_xml(translated_alert)
    identifier = translated_alert.identifier
    assert any("lược đồ" in e for e in cap_xml_errors(_mutated(xml, "<scope>Public</scope>", "<scope>Everyone</scope>")))
    assert any("identifier" in e for e in cap_xml_errors(_mutated(xml, identifier, identifier + ",x")))
    assert any("+07:00" in e for e in cap_xml_errors(_mutated(xml, "+07:00</sent>", "+00:00</sent>")))
    assert any("khép kín" in e for e in cap_xml_errors(_mutated(xml, "14.50,107.90</cap:polygon>".replace("cap:", ""),
                                                                "14.55,107.90</polygon>")))
    assert any("tiếng Việt" in e for e in cap_xml_errors(_mutated(xml, "<language>vi-VN", "<language>vi-XX")))
    assert any("references" in e for e in cap_xml_errors(_mutated(xml, "<msgType>Alert", "<msgType>Update")))
    assert any("XML" in e for e in cap_xml_errors(b"<alert"))


# ------------------------------------------------------------------------------------ served over HTTP


def test_the_cap_xml_is_served_with_a_short_cache_and_an_etag(translated_alert, district):
    client = Client(HTTP_HOST="dak-la.localhost")
    response = client.get(f"/canh-bao/{translated_alert.pk}/cap/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert "max-age=60" in response["Cache-Control"] and response["ETag"]
    assert_valid(response.content)
    assert response.content == alert_cap_xml(translated_alert)  # the same document on every host
    again = client.get(f"/canh-bao/{translated_alert.pk}/cap/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    portal = Client(HTTP_HOST="localhost").get(f"/canh-bao/{translated_alert.pk}/cap/")
    assert portal.status_code == 200 and portal.content == response.content
    under_portal = Client(HTTP_HOST="localhost").get(f"/xa-dak-la/canh-bao/{translated_alert.pk}/cap/")
    assert under_portal.status_code == 200


def test_another_communes_alert_and_drafts_are_not_found_on_a_commune_host(translated_alert, district):
    draft = make_alert(issuer=district.a, communes=[district.a])
    b_host = Client(HTTP_HOST="ha-mon.localhost")
    assert b_host.get(f"/canh-bao/{translated_alert.pk}/cap/").status_code == 404
    a_host = Client(HTTP_HOST="dak-la.localhost")
    assert a_host.get(f"/canh-bao/{draft.pk}/cap/").status_code == 404
    for bad in ("0", "9" * 30, "-1", "abc"):
        assert a_host.get(f"/canh-bao/{bad}/cap/").status_code == 404


def test_expired_and_cancelled_messages_stay_retrievable(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    cancel = alert_cancel(original=original, user=publisher)
    client = Client(HTTP_HOST="dak-la.localhost")
    for message in (original, cancel):
        response = client.get(f"/canh-bao/{message.pk}/cap/")
        assert response.status_code == 200
        assert_valid(response.content)


def test_the_atom_index_lists_alerts_in_force_each_linking_to_its_cap_xml(district):
    publisher = portal_publisher()
    a_alert = alert_publish(alert=make_alert(issuer=None, communes=[district.a], headline="Sạt lở đất ở Đắk La"),
                            user=publisher)
    b_alert = alert_publish(alert=make_alert(issuer=None, communes=[district.b], headline="Cháy rừng ở Hà Mòn"),
                            user=publisher)
    cancelled = alert_publish(alert=make_alert(issuer=None, communes=[district.a], headline="Đã hủy"), user=publisher)
    alert_cancel(original=cancelled, user=publisher)
    exercise = alert_publish(alert=make_alert(issuer=None, communes=[district.a], headline="Diễn tập",
                                              status=AlertStatus.EXERCISE), user=publisher)

    portal = Client(HTTP_HOST="localhost").get("/canh-bao/atom/")
    assert portal.status_code == 200
    assert portal["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "max-age=60" in portal["Cache-Control"] and portal["ETag"]
    feed = parse(portal.content)
    assert set(texts(feed, "atom:entry/atom:id")) == {a_alert.identifier, b_alert.identifier, exercise.identifier}
    entry = next(e for e in feed.iterfind("atom:entry", NS) if e.findtext("atom:id", namespaces=NS) == a_alert.identifier)
    cap_link = entry.find("atom:link[@rel='alternate']", NS)
    assert cap_link.get("type") == "application/cap+xml" and cap_link.get("href") == alert_urls(a_alert)["cap"]
    assert entry.findtext("atom:title", namespaces=NS) == "Sạt lở đất ở Đắk La"
    assert feed.find("atom:link[@rel='self']", NS).get("href") == "http://localhost/canh-bao/atom/"

    commune = parse(Client(HTTP_HOST="dak-la.localhost").get("/canh-bao/atom/").content)
    assert set(texts(commune, "atom:entry/atom:id")) == {a_alert.identifier, exercise.identifier}
    b_feed = parse(Client(HTTP_HOST="ha-mon.localhost").get("/canh-bao/atom/").content)
    assert texts(b_feed, "atom:entry/atom:id") == [b_alert.identifier]


def test_an_empty_atom_index_is_still_a_valid_feed(district):
    response = Client(HTTP_HOST="ha-mon.localhost").get("/canh-bao/atom/")
    feed = parse(response.content)
    assert response.status_code == 200 and feed.findall("atom:entry", NS) == []
    assert feed.findtext("atom:title", namespaces=NS).startswith("Cảnh báo khẩn cấp")
