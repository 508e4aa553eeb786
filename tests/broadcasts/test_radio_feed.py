"""The speaker clusters' feed: what a cluster's snapshot and alerts carry (bulletins in its village's
language, relays, alerts with their audio, the 48-hour schedule, audio assets), which clusters get what,
the feed revision moving with radio content, the admin's selectors (a cluster's programme, a bulletin's
warnings before approval), proof of play in a language, the OpenAPI document, and the cost: a constant
number of queries whatever the number of bulletins, and the size of a week of bulletins."""

import datetime
import gzip
import json
import uuid

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadcasts import programme, selectors, services
from broadcasts.api.openapi import document
from broadcasts.models import Area, BroadcastClass, Play, RadioBulletin, RadioSettings, SpeakerTarget
from tests.broadcasts import radio_fixtures
from tests.broadcasts.conftest import as_device
from tests.broadcasts.radio_fixtures import give_audio, make_relay, make_speaker, publish_bulletin, publish_radio_alert

pytestmark = pytest.mark.django_db
clock = radio_fixtures.clock
speakers = radio_fixtures.speakers
MINUTE = datetime.timedelta(minutes=1)


def snapshot(device, token, **extra):
    response = as_device(token).get(f"/devices/{device.pk}/snapshot", **extra)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def local(text):
    return datetime.datetime.fromisoformat(text).strftime("%a %H:%M:%S")


def schedule(body, day_prefix=False):
    return [(entry["item_id"], local(entry["start_at"]) if day_prefix else local(entry["start_at"])[4:],
             local(entry["end_at"])[4:]) for entry in body["schedule"]]


def iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


# ------------------------------------------------------------------------------------------ content


def test_a_cluster_gets_its_bulletin_its_schedule_and_its_audio_with_every_field_of_the_contract(
    district, speakers, clock
):
    bulletin = publish_bulletin(district.a, slots=[(9, 0)], repeats=2, repeat_gap_min=5, display_order=1,
                                broadcast_class=BroadcastClass.PRIORITY)

    body = snapshot(speakers.thon1, speakers.thon1_token)

    sha = body["assets"][0]["sha256"]
    assert body["schema"] == "vn-portal-device-feed/1" and body["device"]["kind"] == "speaker"
    assert body["defaults"]["text"] == "Đài truyền thanh xã Đắk La"
    assert body["quiet_hours"] == [{"from": "21:30", "to": "05:30"}] and body["max_slot_s"] == 1800
    assert body["items"] == [{
        "id": f"bulletin-{bulletin.pk}", "type": "bulletin", "kind": "audio", "revision": bulletin.live_revision_id,
        "class": "priority", "rank": 1, "display_order": 1, "title": "Lịch tiêm chủng tháng 9", "language": "vi",
        "valid_from": iso(bulletin.valid_from), "valid_until": iso(bulletin.valid_until),
        "asset_id": f"sha256:{sha}", "duration_s": 60.0, "repeats": 2, "gap_s": 300,
        "issuer": {"id": "23524", "level": "commune", "name": "Xã Đắk La"},
    }]
    first = clock.at(9)
    assert body["schedule"][:2] == [
        {"item_id": f"bulletin-{bulletin.pk}", "start_at": iso(first), "end_at": iso(first + MINUTE), "kind": "audio",
         "asset_id": f"sha256:{sha}", "class": "priority", "language": "vi", "repeat": 1, "of": 2, "resumes": False},
        {"item_id": f"bulletin-{bulletin.pk}", "start_at": iso(first + 6 * MINUTE), "end_at": iso(first + 7 * MINUTE),
         "kind": "audio", "asset_id": f"sha256:{sha}", "class": "priority", "language": "vi", "repeat": 2, "of": 2,
         "resumes": False},
    ]
    assert schedule(body, day_prefix=True) == [
        (f"bulletin-{bulletin.pk}", day, end) for day, end in
        [("Mon 09:00:00", "09:01:00"), ("Mon 09:06:00", "09:07:00"), ("Tue 09:00:00", "09:01:00"),
         ("Tue 09:06:00", "09:07:00")]
    ]
    [asset] = body["assets"]
    assert asset | {"url": ""} == {
        "id": f"sha256:{sha}", "sha256": sha, "url": "", "size_bytes": 480000, "mime": "audio/mpeg", "width": None,
        "height": None, "duration_s": 60.0, "codec": "mp3", "bitrate_kbps": 64, "channels": 1,
    }
    assert f"/api/devices/v1/media/{sha}.mp3?exp=" in asset["url"] and "sig=" in asset["url"]


def test_a_cluster_plays_the_version_in_its_villages_language_where_one_has_audio(district, speakers, clock):
    bulletin = publish_bulletin(district.a, versions=[("bdq", 30.0)])
    jrai, jrai_token = make_speaker(district.a, "Cụm loa Làng Klâu", area=speakers.jrai)

    ba_na = snapshot(speakers.kon_gung, speakers.kon_gung_token)
    vietnamese = snapshot(speakers.thon1, speakers.thon1_token)
    no_version = snapshot(jrai, jrai_token)

    assert [(i["language"], i["duration_s"]) for i in ba_na["items"]] == [("bdq", 30.0)]
    assert ba_na["schedule"][0]["language"] == "bdq" and ba_na["schedule"][0]["end_at"].endswith(":00:30+07:00")
    assert ba_na["items"][0]["asset_id"] != vietnamese["items"][0]["asset_id"]
    assert [a["id"] for a in ba_na["assets"]] == [ba_na["items"][0]["asset_id"]]
    assert [(i["id"], i["language"]) for i in vietnamese["items"]] == [(f"bulletin-{bulletin.pk}", "vi")]
    assert no_version["items"] == vietnamese["items"]


def test_bulletins_reach_the_whole_commune_the_chosen_villages_or_the_chosen_clusters(district, speakers, boards, clock):
    everyone = publish_bulletin(district.a, title="Toàn xã")
    village = publish_bulletin(district.a, title="Thôn 1", areas=[speakers.village])
    office = publish_bulletin(district.a, title="Trụ sở", devices=[speakers.office])

    def ids(device, token):
        return sorted(item["id"] for item in snapshot(device, token)["items"])

    assert ids(speakers.thon1, speakers.thon1_token) == sorted([f"bulletin-{everyone.pk}", f"bulletin-{village.pk}"])
    assert ids(speakers.office, speakers.office_token) == sorted([f"bulletin-{everyone.pk}", f"bulletin-{office.pk}"])
    assert ids(speakers.kon_gung, speakers.kon_gung_token) == [f"bulletin-{everyone.pk}"]
    assert ids(speakers.other, speakers.other_token) == []
    board = snapshot(boards.lcd, boards.lcd_token)
    assert board["items"] == [] and "schedule" not in board and board["quiet_hours"] == []


def test_a_draft_a_bulletin_without_ready_audio_or_one_starting_after_48_hours_is_not_sent(district, speakers, clock):
    draft = RadioBulletin.objects.create(commune=district.a, title="Bản nháp", text="Chưa duyệt.", live=False,
                                         valid_from=clock.now, valid_until=clock.now + datetime.timedelta(days=3))
    draft.save_revision()
    publish_bulletin(district.a, title="Chưa có âm thanh", audio=False)
    publish_bulletin(district.a, title="Tuần sau", starts=clock.now + datetime.timedelta(days=3))
    playing = publish_bulletin(district.a, title="Đang phát")

    body = snapshot(speakers.thon1, speakers.thon1_token)

    assert [item["id"] for item in body["items"]] == [f"bulletin-{playing.pk}"]
    assert {entry["item_id"] for entry in body["schedule"]} == {f"bulletin-{playing.pk}"}


def test_a_relay_is_interrupted_by_a_higher_class_bulletin_and_resumes_and_a_routine_one_waits(district, speakers, clock):
    relay = make_relay(district.a, start=(9, 0), end=(10, 0))
    priority = publish_bulletin(district.a, title="Ưu tiên", slots=[(9, 30)], broadcast_class=BroadcastClass.PRIORITY)
    routine = publish_bulletin(district.a, title="Thường", slots=[(9, 15)])

    body = snapshot(speakers.thon1, speakers.thon1_token)

    today = [entry for entry in body["schedule"] if entry["start_at"] < iso(clock.at(12))]
    assert [(e["item_id"], local(e["start_at"])[4:], local(e["end_at"])[4:], e["resumes"]) for e in today] == [
        (f"relay-{relay.pk}", "09:00:00", "09:30:00", False),
        (f"bulletin-{priority.pk}", "09:30:00", "09:31:00", False),
        (f"relay-{relay.pk}", "09:31:00", "10:00:00", True),
        (f"bulletin-{routine.pk}", "10:00:00", "10:01:00", False),
    ]
    assert today[0]["stream_url"] == "https://radio.kontum.gov.vn/live.mp3" and "asset_id" not in today[0]
    assert today[0]["kind"] == "relay" and today[0]["class"] == "routine" and today[0]["language"] is None
    assert {"id": f"relay-{relay.pk}", "type": "relay", "kind": "relay", "class": "routine",
            "name": "Thời sự Đài Phát thanh tỉnh", "stream_url": "https://radio.kontum.gov.vn/live.mp3",
            "valid_from": iso(relay.valid_from), "valid_until": None} in body["items"]
    assert [item["id"] for item in body["items"]][:1] == [f"bulletin-{priority.pk}"]  # by class


def test_the_communes_quiet_hours_and_longest_broadcast_shape_the_schedule(district, speakers, clock):
    RadioSettings.objects.update_or_create(commune=district.a, defaults={
        "quiet_from": datetime.time(12), "quiet_until": datetime.time(13), "max_slot_min": 2})
    at_noon = publish_bulletin(district.a, title="Giữa trưa", slots=[(12, 30)])
    first = publish_bulletin(district.a, title="Một", slots=[(9, 0)], seconds=90, display_order=1)
    second = publish_bulletin(district.a, title="Hai", slots=[(9, 0)], seconds=90, display_order=2)

    body = snapshot(speakers.thon1, speakers.thon1_token)

    assert body["quiet_hours"] == [{"from": "12:00", "to": "13:00"}] and body["max_slot_s"] == 120
    ids = {entry["item_id"] for entry in body["schedule"]}
    assert f"bulletin-{first.pk}" in ids
    assert f"bulletin-{at_noon.pk}" not in ids and f"bulletin-{second.pk}" not in ids
    assert [item["id"] for item in body["items"]] == [f"bulletin-{first.pk}"]


# ------------------------------------------------------------------------------------------- alerts


def test_an_alert_with_radio_audio_plays_at_once_and_repeats_on_the_cluster(district, speakers, clock):
    alert = publish_radio_alert(communes=[district.a], seconds=45, repeats=3, gap_min=10)
    relay = make_relay(district.a, start=(7, 30), end=(9, 0), klass=BroadcastClass.PRIORITY)

    body = snapshot(speakers.thon1, speakers.thon1_token)

    [item] = [item for item in body["items"] if item["type"] == "alert"]
    sha = [a["sha256"] for a in body["assets"]][0]
    assert item["audio"] == {"asset_id": f"sha256:{sha}", "duration_s": 45.0, "repeats": 3, "gap_s": 600,
                             "language": "vi"}
    assert schedule(body)[:6] == [  # (the relay's part that ended at 08:00 is over)
        (f"alert-{alert.pk}", "08:00:00", "08:00:45"), (f"relay-{relay.pk}", "08:00:45", "08:10:45"),
        (f"alert-{alert.pk}", "08:10:45", "08:11:30"), (f"relay-{relay.pk}", "08:11:30", "08:21:30"),
        (f"alert-{alert.pk}", "08:21:30", "08:22:15"), (f"relay-{relay.pk}", "08:22:15", "09:00:00"),
    ]
    alert_entries = [e for e in body["schedule"] if e["item_id"] == f"alert-{alert.pk}"]
    assert [(e["repeat"], e["of"], e["class"]) for e in alert_entries] == [(1, 3, "emergency"), (2, 3, "emergency"),
                                                                          (3, 3, "emergency")]
    assert [e["resumes"] for e in body["schedule"][1:6:2]] == [True, True, True]


def test_the_alerts_endpoint_gives_a_cluster_the_alert_audio_and_its_asset_and_a_board_neither(
    district, speakers, boards, clock
):
    publish_radio_alert(communes=[district.a], seconds=45)

    spoken = as_device(speakers.thon1_token).get(f"/devices/{speakers.thon1.pk}/alerts").json()
    shown = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/alerts").json()

    [alert] = spoken["alerts"]
    [asset] = spoken["assets"]
    assert alert["audio"]["asset_id"] == asset["id"] and asset["duration_s"] == 45.0 and asset["codec"] == "mp3"
    assert "assets" not in shown and "audio" not in shown["alerts"][0]


def test_an_alert_over_before_now_and_an_alert_not_on_the_radio_leave_no_schedule(district, speakers, clock):
    publish_radio_alert(communes=[district.a], repeats=0)
    body = snapshot(speakers.thon1, speakers.thon1_token)
    assert body["schedule"] == [] and "audio" not in body["items"][0]

    clock.move(datetime.timedelta(hours=2))  # the three plays ended long ago
    publish_radio_alert(communes=[district.a], headline="Sạt lở đất", effective=clock.now - datetime.timedelta(hours=2))
    body = snapshot(speakers.thon1, speakers.thon1_token)
    assert body["schedule"] == [] and [bool(item.get("audio")) for item in body["items"]].count(True) == 1


# ---------------------------------------------------------------------------------------- revisions


def test_bulletins_relays_radio_settings_and_village_languages_move_the_clusters_etag(district, speakers, clock):
    client = as_device(speakers.thon1_token)
    path = f"/devices/{speakers.thon1.pk}/snapshot"
    etags = [client.get(path)["ETag"]]

    def changed():
        etags.append(client.get(path)["ETag"])
        return etags[-1] != etags[-2]

    bulletin = publish_bulletin(district.a)
    assert changed()
    relay = make_relay(district.a)
    assert changed()
    relay.enabled = False
    relay.save()
    assert changed()
    RadioSettings.objects.update_or_create(commune=district.a, defaults={"max_slot_min": 15})
    assert changed()
    Area.objects.filter(pk=speakers.village.pk).get().save()
    assert changed()
    bulletin.unpublish()
    assert changed()
    assert not changed()
    other = as_device(speakers.other_token)
    other_etag = other.get(f"/devices/{speakers.other.pk}/snapshot")["ETag"]
    publish_bulletin(district.a)
    assert other.get(f"/devices/{speakers.other.pk}/snapshot")["ETag"] == other_etag


def test_a_bulletin_ending_brings_next_check_at_forward_and_moves_the_etag_when_it_ends(district, speakers, clock):
    ends = clock.now + datetime.timedelta(seconds=100)
    publish_bulletin(district.a, slots=[(8, 0, 30)], ends=ends)
    device = speakers.thon1
    for interval in range(3600, 3700):  # an interval whose slot for this device is well after the end
        device.poll_interval_s = interval
        if (device.poll_offset_s - int(ends.timestamp())) % interval > 300:
            break
    device.save()
    client = as_device(speakers.thon1_token)
    first = client.get(f"/devices/{device.pk}/snapshot")

    next_check = datetime.datetime.fromisoformat(first.json()["next_check_at"])
    assert ends <= next_check < ends + datetime.timedelta(seconds=30)
    clock.move(datetime.timedelta(seconds=101))
    after = client.get(f"/devices/{device.pk}/snapshot", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"] and after.json()["items"] == []


# ------------------------------------------------------------------------------------- the admin's


def test_device_programme_gives_a_days_entries_and_warnings_for_the_admins_timeline(district, speakers, clock):
    first = publish_bulletin(district.a, title="Một", slots=[(9, 0)], seconds=120, broadcast_class="priority")
    second = publish_bulletin(district.a, title="Hai", slots=[(9, 0)], seconds=60)
    start = clock.at(0)

    result = selectors.device_programme(speakers.thon1, start, start + datetime.timedelta(days=1), clock.now)

    assert [(e.item_id, e.start.astimezone(programme.TZ).strftime("%H:%M")) for e in result.entries] == [
        (f"bulletin-{first.pk}", "09:00"), (f"bulletin-{second.pk}", "09:02"),
    ]
    [warning] = result.warnings
    assert (warning.kind, warning.item_id, warning.other_id) == ("collision", f"bulletin-{second.pk}",
                                                                   f"bulletin-{first.pk}")
    assert warning.message == "Trùng giờ với “Một”: lùi từ 09:00 sang 09:02."


def test_bulletin_warnings_say_before_approval_what_a_draft_would_cause_on_each_cluster(
    district, speakers, clock, django_assert_max_num_queries
):
    live = publish_bulletin(district.a, title="Đang phát", slots=[(9, 0)], seconds=600, display_order=5,
                            target=SpeakerTarget.AREAS, areas=[speakers.village, speakers.ba_na])
    draft = RadioBulletin(commune=district.a, title="Mới", text=" ".join(["chữ"] * 350), live=False,
                          broadcast_class=BroadcastClass.PRIORITY, valid_from=clock.now,
                          valid_until=clock.now + datetime.timedelta(days=2))
    draft.slots = [RadioBulletin.slots.rel.related_model(time=datetime.time(9, 5))]
    draft.save()
    draft.save_revision()

    with django_assert_max_num_queries(14):
        warnings = programme.bulletin_warnings(draft, clock.now.date())

    assert [(w.kind, w.device_name) for w in warnings] == [
        ("no_audio", ""), ("collision", "Cụm loa Kon Gung"), ("collision", "Cụm loa Thôn 1"),
    ]
    assert "khoảng 2 phút" in warnings[0].message
    assert warnings[1].item_id == f"bulletin-{draft.pk}" and warnings[1].other_id == f"bulletin-{live.pk}"
    assert warnings[1].message == "Trùng giờ với “Đang phát”: lùi từ 09:05 sang 09:10."
    give_audio(draft, seconds=60)
    draft.slots = [RadioBulletin.slots.rel.related_model(time=datetime.time(8, 59, 30))]  # edited, not saved
    caused = programme.bulletin_warnings(draft, clock.now.date())
    assert [(w.kind, w.item_id, w.other_id, w.device_id) for w in caused] == [
        ("collision", f"bulletin-{live.pk}", f"bulletin-{draft.pk}", speakers.kon_gung.pk),
        ("collision", f"bulletin-{live.pk}", f"bulletin-{draft.pk}", speakers.thon1.pk),
    ]
    assert caused[0].message == "Trùng giờ với “Mới”: lùi từ 09:00 sang 09:00:30."



# ------------------------------------------------------------------------------------ proof of play


def test_a_cluster_reports_plays_with_their_outcome_and_language(district, speakers, clock):
    bulletin = publish_bulletin(district.a, versions=[("bdq", 30.0)])
    started = clock.now - 10 * MINUTE
    record = {"record_id": str(uuid.uuid4()), "item_id": f"bulletin-{bulletin.pk}", "item_revision": 1,
              "class": "routine", "trigger": "scheduled", "started_at": started.isoformat(),
              "ended_at": (started + datetime.timedelta(seconds=20)).isoformat(), "outcome": "interrupted",
              "language": "bdq"}
    too_long = {**record, "record_id": str(uuid.uuid4()), "language": "x" * 21}

    response = as_device(speakers.kon_gung_token).post(f"/devices/{speakers.kon_gung.pk}/plays",
                                                       {"records": [record, too_long]})

    assert response.status_code == 200
    assert response.json()["accepted"] == 1 and response.json()["rejected"][0]["errors"].keys() == {"language"}
    play = Play.objects.get(device=speakers.kon_gung)
    assert (play.language, play.outcome, play.item_id) == ("bdq", "interrupted", f"bulletin-{bulletin.pk}")


# ------------------------------------------------------------------------------- contract and cost


def validator(name):
    components = document("http://localhost/api/devices/v1")["components"]
    return jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": components})


def test_a_clusters_snapshot_and_alerts_match_the_openapi_document(district, speakers, clock):
    publish_bulletin(district.a, slots=[(9, 0), (17, 0)], versions=[("bdq", 30.0)], repeats=2)
    make_relay(district.a, start=(9, 0), end=(10, 0))
    publish_radio_alert(communes=[district.a])

    for device, token in [(speakers.thon1, speakers.thon1_token), (speakers.kon_gung, speakers.kon_gung_token)]:
        body = snapshot(device, token)
        alerts = as_device(token).get(f"/devices/{device.pk}/alerts").json()
        validator("Snapshot").validate(body)
        validator("Alerts").validate(alerts)
        assert {item["type"] for item in body["items"]} == {"alert", "bulletin", "relay"}
        assert {entry["kind"] for entry in body["schedule"]} == {"audio", "relay"}
    broken = {**body, "schedule": [{**body["schedule"][0], "kind": "video"}]}
    assert not validator("Snapshot").is_valid(broken)


def fill_radio(district, speakers, count):
    """`count` bulletins (each with a Ba Na version, targeting all, a village or a cluster) and
    `count` relays (each targeting a village or a cluster)."""
    for n in range(count):
        target = [{}, {"areas": [speakers.village]}, {"devices": [speakers.thon1]}][n % 3]
        publish_bulletin(district.a, title=f"Bản tin {n}", slots=[(6, n % 60), (17, n % 60)], versions=[("bdq", 20.0)],
                         **target)
        make_relay(district.a, name=f"Tiếp âm {n}", start=(10, n % 60), end=(11, n % 60),
                   **[{"areas": [speakers.village]}, {"devices": [speakers.thon1]}][n % 2])
    publish_radio_alert(communes=[district.a])


def counted_snapshot(client, path):
    services.feeds_touch(communes=None)
    client.get(path)  # the boundary is computed once after a touch
    services.feeds_touch(communes=None)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


# Hostname cache, device, the feed boundary (content, alerts) and its UPDATE, the alerts with their
# translations and areas, radio settings, bulletins, slots, versions, relays, their targets (one UNION),
# the ready audio, the village's language, the issuer tree, the portal, and 2 for the CAP links (the
# portal, its home; the site root paths come from the site index): 20, whatever the number of bulletins,
# versions and relays.
SPEAKER_200_QUERIES = 20


@pytest.mark.parametrize("count", [1, 30])
def test_a_clusters_snapshot_takes_the_same_number_of_queries_for_1_or_30_bulletins_and_relays(
    district, speakers, clock, count, django_assert_max_num_queries
):
    fill_radio(district, speakers, count)
    client = as_device(speakers.thon1_token)
    path = f"/devices/{speakers.thon1.pk}/snapshot"

    queries = counted_snapshot(client, path)

    response = client.get(path)
    assert len([item for item in response.json()["items"] if item["type"] == "bulletin"]) == count
    assert queries == SPEAKER_200_QUERIES, queries
    with django_assert_max_num_queries(2):  # a poll of an unchanged feed builds nothing
        assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_week_of_bulletins_makes_a_snapshot_of_bounded_size(district, speakers, clock):
    """Four bulletins a day for a week (each valid one day, two slots, two plays, a Ba Na version), two
    relays a day and an alert, seen on Monday 08:00: the 48-hour window holds 12 of the 28 bulletins (Monday
    evening, Tuesday, Wednesday morning) and 39 schedule entries (32 plays, 4 relay stretches, 3 alert
    plays). At ~250 bytes an entry, ~550 an item, ~450 an asset (its signed URL) and ~3 KB for the envelope
    and the alert, that is ~24 KB (3.5 KB gzipped). The bounds, 32 KB and 6 KB, leave a third for longer
    titles and fail if the whole week's bulletins were sent (~40 KB)."""
    for day in range(7):
        for n in range(4):
            starts = clock.at(0, day=day)
            publish_bulletin(district.a, title=f"Bản tin ngày {day + 1} số {n + 1}", starts=starts,
                             ends=starts + datetime.timedelta(days=1), slots=[(6, 10 * n), (17, 10 * n)], repeats=2,
                             repeat_gap_min=2, versions=[("bdq", 40.0)], seconds=90)
    make_relay(district.a, start=(5, 30), end=(6, 0), klass=BroadcastClass.PRIORITY)
    make_relay(district.a, start=(18, 0), end=(19, 0))
    publish_radio_alert(communes=[district.a])

    response = as_device(speakers.thon1_token, HTTP_ACCEPT_ENCODING="gzip").get(
        f"/devices/{speakers.thon1.pk}/snapshot")

    raw = gzip.decompress(response.content)
    body = json.loads(raw)
    assert len([item for item in body["items"] if item["type"] == "bulletin"]) == 12
    assert len(body["schedule"]) == 39
    assert len(raw) < 32 * 1024, len(raw)
    assert len(response.content) < 6 * 1024, len(response.content)
