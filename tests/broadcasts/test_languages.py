"""The languages of broadcasts are the registry's: villages, notices, bulletins and alerts offer a
commune's enabled languages; boards show a notice's version in their village's language, speakers play
a bulletin's; every item of the device feeds says which language it delivers; a commune's translators
add the versions of its notices and bulletins, which reach devices only once approved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import WorkflowState

from broadcasts import content_languages, services
from broadcasts.models import Area, BoardNotice, BulletinVersion, NoticeVersion, RadioBulletin
from languages.models import Language
from languages.services import enable_language
from tests.broadcasts import radio_fixtures
from tests.broadcasts.conftest import as_device, make_device, publish_notice
from tests.broadcasts.radio_fixtures import publish_bulletin
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
clock = radio_fixtures.clock
speakers = radio_fixtures.speakers

AREAS = "/quan-tri/bang-tin/thon-to-dan-pho"
NOTICES = "/quan-tri/snippets/broadcasts/boardnotice"
BULLETINS = "/quan-tri/snippets/broadcasts/radiobulletin"
TRANSLATIONS = "/quan-tri/ban-dich-bang-tin-truyen-thanh/"


def enable(code, commune):
    return enable_language(Language.objects.get(code=code), commune)


@pytest.fixture
def ba_na(district):
    """Ba Na enabled on commune A, with a translator; Xơ Đăng enabled on commune B, with a translator."""
    a_ba_na = enable("bdq", district.a)
    b_sedang = enable("sed", district.b)
    return {
        "translator_a": make_user("dich_bana_dakla", a_ba_na.translators),
        "translator_b": make_user("dich_xodang_hamon", b_sedang.translators),
    }


def area_data(commune, *, name="Làng Kon Gung", language="vi"):
    return {"commune": str(commune.pk), "name": name, "kind": "lang", "code": "", "language": language}


def snapshot_items(token, device):
    response = as_device(token).get(f"/devices/{device.pk}/snapshot")
    assert response.status_code == 200, response.content[:500]
    return response.json()["items"]


def notice_with_version(commune, *, language="bdq", title="Pơđăm tơm", text="Pơđăm tơm hăm hơnăm."):
    notice = publish_notice(commune, title="Lịch tiêm chủng", text="Tiêm chủng tại trạm y tế xã.")
    notice.versions = [NoticeVersion(language=language, title=title, text=text)]
    notice.save_revision().publish()
    return notice


# ------------------------------------------------------------------------------------------ the codes


def test_a_language_code_must_be_built_in_or_an_active_registry_language():
    content_languages.validate_code("vi")
    content_languages.validate_code("en")
    content_languages.validate_code("twh")  # seeded, and never in the old hard-coded list
    with pytest.raises(ValidationError):
        content_languages.validate_code("xx")
    Language.objects.filter(code="twh").update(is_active=False)
    from languages import registry

    registry.current(force=True)
    with pytest.raises(ValidationError):
        content_languages.validate_code("twh")


def test_an_area_with_a_code_of_the_old_list_still_validates(district):
    area = Area(commune=district.a, name="Bản Thái", language="blt")
    area.full_clean()  # no exception: "blt" is a registry language


def test_a_communes_editor_is_offered_only_the_languages_their_commune_has_enabled(district, ba_na):
    html = client_for(district.editor_a).get(f"{AREAS}/new/").content.decode()
    assert 'value="bdq"' in html and "Tiếng Ba Na" in html
    assert 'value="vi"' in html and 'value="en"' in html
    assert 'value="sed"' not in html  # commune B's, not A's


def test_a_language_the_commune_has_not_enabled_is_refused_with_a_vietnamese_message(district, ba_na):
    client = client_for(district.editor_a)

    response = client.post(f"{AREAS}/new/", area_data(district.a, language="sed"))

    assert response.status_code == 200
    assert "Tiếng Xơ Đăng chưa được bật cho xã này" in response.content.decode()
    assert not Area.objects.filter(name="Làng Kon Gung").exists()
    assert client.post(f"{AREAS}/new/", area_data(district.a, language="bdq")).status_code == 302
    assert Area.objects.get(name="Làng Kon Gung").language == "bdq"


def test_portal_staff_choosing_a_commune_get_the_same_rule(district, ba_na):
    client = client_for(district.district_admin)
    html = client.get(f"{AREAS}/new/").content.decode()
    assert 'value="sed"' in html  # every language is offered before the commune is chosen

    response = client.post(f"{AREAS}/new/", area_data(district.a, language="sed"))

    assert "Tiếng Xơ Đăng chưa được bật cho xã này" in response.content.decode()


def test_a_village_set_before_its_commune_enabled_the_language_keeps_it_when_edited(district):
    area = Area.objects.create(commune=district.a, name="Bản Thái", language="blt")  # not enabled on A
    client = client_for(district.editor_a)
    html = client.get(f"{AREAS}/edit/{area.pk}/").content.decode()
    assert 'value="blt" selected' in html  # shown as it is, not silently turned into Vietnamese

    response = client.post(f"{AREAS}/edit/{area.pk}/", area_data(district.a, name="Bản Thái mới", language="blt"))

    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.language) == ("Bản Thái mới", "blt")


def test_a_notice_version_in_a_language_the_commune_has_not_enabled_is_refused(district, ba_na):
    from tests.broadcasts.test_admin_notices import notice_data

    client = client_for(district.editor_a)
    refused = client.post(f"{NOTICES}/add/", notice_data(district.a, versions=[("sed", "Tơdrong", "Tơdrong.")]))
    assert "Tiếng Xơ Đăng chưa được bật cho xã này" in refused.content.decode()
    assert not BoardNotice.objects.exists()

    accepted = client.post(f"{NOTICES}/add/", notice_data(district.a, versions=[("bdq", "Pơđăm", "Pơđăm tơm.")]))

    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    assert list(NoticeVersion.objects.values_list("language", "title")) == [("bdq", "Pơđăm")]


def test_a_notice_has_one_version_per_language_and_none_in_its_own(district, ba_na):
    from tests.broadcasts.test_admin_notices import notice_data

    client = client_for(district.editor_a)
    twice = client.post(f"{NOTICES}/add/", notice_data(district.a, versions=[("bdq", "Một", "Một."), ("bdq", "Hai", "Hai.")]))
    assert "Mỗi ngôn ngữ chỉ có một bản" in twice.content.decode()
    assert not BoardNotice.objects.exists()


# ------------------------------------------------------------------------------------ boards prefer


def test_a_board_in_a_village_of_a_language_shows_the_notices_version_in_it(district, ba_na):
    kon_gung = Area.objects.create(commune=district.a, name="Làng Kon Gung", language="bdq")
    thon1 = Area.objects.create(commune=district.a, name="Thôn 1")
    ba_na_board, ba_na_token = make_device(district.a, "Bảng tin Kon Gung", area=kon_gung)
    vi_board, vi_token = make_device(district.a, "Bảng tin Thôn 1", area=thon1)
    office, office_token = make_device(district.a, "Bảng tin trụ sở")
    notice_with_version(district.a)

    [item] = snapshot_items(ba_na_token, ba_na_board)
    assert (item["title"], item["text"], item["language"]) == ("Pơđăm tơm", "Pơđăm tơm hăm hơnăm.", "bdq")
    for token, device in ((vi_token, vi_board), (office_token, office)):
        [item] = snapshot_items(token, device)
        assert (item["title"], item["language"]) == ("Lịch tiêm chủng", "vi")


def test_a_board_whose_language_a_notice_has_no_version_in_shows_the_vietnamese(district, ba_na):
    jrai = Area.objects.create(commune=district.a, name="Làng Klâu", language="jra")
    board, token = make_device(district.a, "Bảng tin Klâu", area=jrai)
    notice_with_version(district.a, language="bdq")

    [item] = snapshot_items(token, board)

    assert (item["title"], item["language"]) == ("Lịch tiêm chủng", "vi")


def test_a_villages_new_language_changes_its_boards_snapshot_and_etag(district, ba_na):
    village = Area.objects.create(commune=district.a, name="Làng Kon Gung")
    board, token = make_device(district.a, "Bảng tin Kon Gung", area=village)
    notice_with_version(district.a)
    first = as_device(token).get(f"/devices/{board.pk}/snapshot")
    assert first.json()["items"][0]["language"] == "vi"

    village.language = "bdq"
    village.save()
    second = as_device(token).get(f"/devices/{board.pk}/snapshot", HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second.json()["items"][0]["language"] == "bdq"


def test_a_version_saved_but_not_approved_never_reaches_a_board(district, ba_na):
    village = Area.objects.create(commune=district.a, name="Làng Kon Gung", language="bdq")
    board, token = make_device(district.a, "Bảng tin Kon Gung", area=village)
    notice = publish_notice(district.a, title="Lịch tiêm chủng")
    draft = notice.get_latest_revision_as_object()
    draft.versions = [NoticeVersion(language="bdq", title="Pơđăm tơm", text="Pơđăm.")]
    revision = draft.save_revision()

    assert snapshot_items(token, board)[0]["language"] == "vi"
    revision.publish()
    assert snapshot_items(token, board)[0]["language"] == "bdq"


def counted_snapshot(token, device):
    path = f"/devices/{device.pk}/snapshot"
    client = as_device(token)
    client.get(path)
    services.feeds_touch(communes=None)
    client.get(path)
    services.feeds_touch(communes=None)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


def test_a_board_with_a_preferred_language_costs_no_more_queries_than_one_without(
    district, ba_na, django_assert_max_num_queries
):
    from tests.broadcasts.test_api_snapshot import EXPECTED_200_QUERIES

    village = Area.objects.create(commune=district.a, name="Làng Kon Gung", language="bdq")
    ba_na_board, ba_na_token = make_device(district.a, "Bảng tin Kon Gung", area=village)
    plain, plain_token = make_device(district.a, "Bảng tin trụ sở")
    for n in range(5):
        notice_with_version(district.a, title=f"Pơđăm {n}")
    from tests.broadcasts.conftest import publish_alert

    publish_alert(communes=[district.a])

    preferred = counted_snapshot(ba_na_token, ba_na_board)

    assert preferred == counted_snapshot(plain_token, plain) <= EXPECTED_200_QUERIES
    assert sum(item["language"] == "bdq" for item in snapshot_items(ba_na_token, ba_na_board)) == 5


# ---------------------------------------------------------------------------------- speakers prefer


def test_a_cluster_in_a_village_of_a_registry_language_plays_the_bulletins_version_in_it(district, speakers, clock):
    enable("twh", district.a)  # Tai Dón: never in the old hard-coded list
    Area.objects.filter(pk=speakers.ba_na.pk).update(language="twh")
    publish_bulletin(district.a, versions=[("twh", 90.0)])

    body = as_device(speakers.kon_gung_token).get(f"/devices/{speakers.kon_gung.pk}/snapshot").json()

    [bulletin] = [item for item in body["items"] if item["type"] == "bulletin"]
    assert bulletin["language"] == "twh" and bulletin["duration_s"] == 90.0
    assert {entry["language"] for entry in body["schedule"] if entry["item_id"] == bulletin["id"]} == {"twh"}


# --------------------------------------------------------------------------------- every item's language


def test_every_item_of_a_boards_feeds_carries_the_language_it_delivers(district, ba_na, boards):
    from tests.broadcasts.conftest import publish_alert

    notice_with_version(district.a)
    publish_alert(communes=[district.a])
    items = snapshot_items(boards.lcd_token, boards.lcd)
    alerts = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/alerts").json()["alerts"]

    assert {item["type"] for item in items} == {"notice", "alert"}
    assert all(item["language"] == "vi" for item in items + alerts)


# ------------------------------------------------------------------------------------------ translators


def test_a_translator_sees_their_communes_notices_and_bulletins_and_nothing_of_another_commune(district, ba_na):
    ours = publish_notice(district.a, title="Thông báo của Đắk La")
    theirs = publish_notice(district.b, title="Thông báo của Hà Mòn")
    bulletin = publish_bulletin(district.a, title="Bản tin của Đắk La", audio=False)
    client = client_for(ba_na["translator_a"])

    html = client.get(TRANSLATIONS).content.decode()

    assert "Thông báo của Đắk La" in html and "Bản tin của Đắk La" in html and "Tiếng Ba Na" in html
    assert "Thông báo của Hà Mòn" not in html
    assert f"{NOTICES}/{ours.pk}/ban-dich/?ngon_ngu=bdq" in html
    assert client.get(f"{NOTICES}/{theirs.pk}/ban-dich/").status_code == 404
    assert client.get(f"{NOTICES}/{ours.pk}/ban-dich/").status_code == 200
    assert client.get(f"{BULLETINS}/{bulletin.pk}/ban-dich/").status_code == 200
    # Commune B's translator sees nothing of A.
    other = client_for(ba_na["translator_b"])
    assert "Thông báo của Đắk La" not in other.get(TRANSLATIONS).content.decode()
    assert other.get(f"{NOTICES}/{ours.pk}/ban-dich/").status_code == 404
    assert other.get(f"{BULLETINS}/{bulletin.pk}/ban-dich/").status_code == 404


def test_a_translator_may_not_translate_into_another_language_nor_edit_the_item(district, ba_na):
    notice = publish_notice(district.a, title="Thông báo của Đắk La")
    client = client_for(ba_na["translator_a"])

    assert client.get(f"{NOTICES}/{notice.pk}/ban-dich/?ngon_ngu=sed").status_code == 404
    assert client.post(f"{NOTICES}/{notice.pk}/ban-dich/?ngon_ngu=vi",
                       {"title": "Đổi tiêu đề", "text": "Đổi."}).status_code == 404
    assert client.get(f"{NOTICES}/edit/{notice.pk}/").status_code in (302, 403, 404)
    assert client.get(f"{NOTICES}/").status_code in (302, 403)
    notice.refresh_from_db()
    assert notice.title == "Thông báo của Đắk La" and notice.latest_revision.as_object().title == notice.title


def test_someone_who_is_not_a_translator_gets_no_translation_screen(district, ba_na):
    notice = publish_notice(district.a)
    editor = client_for(district.editor_a)
    # (Wagtail's admin answers a refusal with a redirect to the dashboard and a message.)
    assert editor.get(TRANSLATIONS).status_code in (302, 403)
    assert editor.get(f"{NOTICES}/{notice.pk}/ban-dich/").status_code in (302, 403)
    assert "ban-dich-bang-tin-truyen-thanh" not in editor.get("/quan-tri/").content.decode()  # no menu item
    assert "ban-dich-bang-tin-truyen-thanh" in client_for(ba_na["translator_a"]).get("/quan-tri/").content.decode()


def test_a_translators_version_waits_for_the_communes_approver_before_reaching_boards(district, ba_na):
    village = Area.objects.create(commune=district.a, name="Làng Kon Gung", language="bdq")
    board, token = make_device(district.a, "Bảng tin Kon Gung", area=village)
    notice = publish_notice(district.a, title="Lịch tiêm chủng", text="Tiêm chủng tại trạm y tế xã.")
    client = client_for(ba_na["translator_a"])

    response = client.post(f"{NOTICES}/{notice.pk}/ban-dich/?ngon_ngu=bdq",
                           {"title": "Pơđăm tơm", "text": "Pơđăm tơm hăm hơnăm.", "language": "sed"})

    assert response.status_code == 302
    notice.refresh_from_db()
    assert not NoticeVersion.objects.filter(notice=notice).exists()  # the live row is untouched
    latest = notice.get_latest_revision_as_object()
    assert [(v.language, v.title) for v in latest.versions.all()] == [("bdq", "Pơđăm tơm")]
    assert (latest.title, latest.text) == ("Lịch tiêm chủng", "Tiêm chủng tại trạm y tế xã.")
    assert snapshot_items(token, board)[0]["language"] == "vi"
    state = WorkflowState.objects.for_instance(notice).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    approver = client_for(district.approver_a)
    url = f"{NOTICES}/workflow/action/{notice.pk}/approve/{state.current_task_state.pk}/"
    assert approver.post(url, {"comment": ""}).status_code in (200, 302)

    [item] = snapshot_items(token, board)
    assert (item["title"], item["language"]) == ("Pơđăm tơm", "bdq")
    notice.refresh_from_db()
    assert notice.title == "Lịch tiêm chủng"


def test_a_translator_corrects_their_version_in_place(district, ba_na):
    notice = notice_with_version(district.a, title="Pơđăm cũ")
    client = client_for(ba_na["translator_a"])
    assert "Pơđăm cũ" in client.get(f"{NOTICES}/{notice.pk}/ban-dich/").content.decode()

    client.post(f"{NOTICES}/{notice.pk}/ban-dich/?ngon_ngu=bdq", {"title": "Pơđăm mới", "text": "Pơđăm."})

    notice.refresh_from_db()
    latest = notice.get_latest_revision_as_object()
    assert [(v.language, v.title) for v in latest.versions.all()] == [("bdq", "Pơđăm mới")]


def test_a_translators_bad_input_gets_a_vietnamese_error_and_saves_nothing(district, ba_na):
    notice = publish_notice(district.a)
    before = notice.revisions.count()
    client = client_for(ba_na["translator_a"])

    response = client.post(f"{NOTICES}/{notice.pk}/ban-dich/?ngon_ngu=bdq", {"title": "", "text": "x" * 501})

    assert response.status_code == 200
    assert "Bản dịch chưa lưu được" in response.content.decode()
    assert notice.revisions.count() == before


def test_a_translator_adds_a_bulletins_version_with_its_recording_for_approval(district, ba_na, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    bulletin = publish_bulletin(district.a, title="Bản tin của Đắk La", audio=False)
    client = client_for(ba_na["translator_a"])
    recording = SimpleUploadedFile("ban-na.mp3", b"ID3" + b"\x00" * 2000, content_type="audio/mpeg")

    response = client.post(f"{BULLETINS}/{bulletin.pk}/ban-dich/?ngon_ngu=bdq",
                           {"text": "Pơđăm tơm.", "recording": recording})

    assert response.status_code == 302
    assert not BulletinVersion.objects.filter(bulletin=bulletin).exists()
    bulletin.refresh_from_db()
    [version] = bulletin.get_latest_revision_as_object().versions.all()
    assert version.language == "bdq" and version.text == "Pơđăm tơm." and version.recording.name
    assert WorkflowState.objects.for_instance(bulletin).get().status == WorkflowState.STATUS_IN_PROGRESS
    assert RadioBulletin.objects.get(pk=bulletin.pk).title == "Bản tin của Đắk La"


def test_a_translators_version_of_a_draft_stays_in_the_draft(district, ba_na):
    notice = BoardNotice.objects.create(commune=district.a, title="Bản nháp", text="Nháp.", live=False,
                                        valid_until=timezone.now() + datetime.timedelta(days=2))
    client = client_for(ba_na["translator_a"])

    client.post(f"{NOTICES}/{notice.pk}/ban-dich/?ngon_ngu=bdq", {"title": "Pơđăm", "text": "Pơđăm."})

    notice.refresh_from_db()
    assert notice.live is False
    assert not WorkflowState.objects.for_instance(notice).exists()  # its editors submit it
    assert list(notice.versions.values_list("language", flat=True)) == ["bdq"]
