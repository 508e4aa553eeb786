"""The demo loader: the Đắk Hà portal, 11 communes with distinct content, demo users; safe to run twice."""

from io import StringIO

import pytest
from anyascii import anyascii
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Locale, Page, Revision, Site
from wagtail_localize.models import StringTranslation, Translation

from broadcasts.models import (
    Alert,
    Area,
    BoardGroup,
    BoardNotice,
    BroadcastClass,
    Device,
    DeviceEvent,
    DeviceKind,
    DeviceState,
    RadioBulletin,
    RadioSettings,
    Relay,
)
from communes.models import CommuneHomePage, CommuneProfilePage, LegalDocumentPage, NewsPage, OrganisationPage
from home.models import PortalHomePage
from languages import registry
from provisioning.demo.data import DEMO_PASSWORD
from provisioning.demo.media import has_unicode_font
from provisioning.services import PORTAL_ADMINS_GROUP
from questions.models import Holiday, Question, QuestionEvent
from questions.workdays import add_working_days
from sites.models import CommuneSite
from tests.provisioning.pdf_text import pdf_texts


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def expected_text(text):
    return text if has_unicode_font() else anyascii(text)


def snapshot():
    return {
        "pages": Page.objects.count(), "sites": Site.objects.count(), "users": User.objects.count(),
        "revisions": Revision.objects.count(), "news": NewsPage.objects.count(),
        "questions": Question.objects.count(), "question_events": QuestionEvent.objects.count(),
        "areas": Area.objects.count(), "board groups": BoardGroup.objects.count(),
        "devices": Device.objects.count(), "device events": DeviceEvent.objects.count(),
        "notices": BoardNotice.objects.count(), "radio settings": RadioSettings.objects.count(),
        "relays": Relay.objects.count(), "bulletins": RadioBulletin.objects.count(),
    }


@pytest.mark.django_db
def test_the_demo_loads_twice_with_distinct_content_for_each_of_the_eleven_communes(settings):
    settings.PORT = 8123  # `make run PORT=8123` (cms/settings.py reads PORT once, at start)
    output = load_demo()
    # Someone changes a demo password and edits a profile; a second run must keep both.
    editor = User.objects.get(username="bientap_dakla")
    editor.set_password("mat-khau-rieng-cua-toi")
    editor.save()
    edited = CommuneProfilePage.objects.get(url_path__contains="/xa-ha-mon/")
    edited.intro = "Nội dung biên tập viên đã sửa."
    edited.save_revision().publish()
    first = snapshot()

    again = load_demo()

    assert snapshot() == first
    assert "0 trang nội dung mới" in again
    assert User.objects.get(username="bientap_dakla").check_password("mat-khau-rieng-cua-toi")
    assert CommuneProfilePage.objects.get(pk=edited.pk).intro == "Nội dung biên tập viên đã sửa."

    # The portal and the eleven communes under their official names, on their hostnames and paths.
    portal = PortalHomePage.objects.get(locale__language_code="vi")
    assert Site.objects.get(root_page=portal).hostname == "localhost"
    homes = CommuneHomePage.objects.child_of(portal).filter(locale=portal.locale).select_related("unit")
    assert homes.count() == 11
    # Ba Na and Xơ Đăng (former Kon Tum) on every commune: each commune's home in them, an alias beside it
    # (no text is written in those languages), and nothing of them at the portal.
    minority = CommuneHomePage.objects.child_of(portal).exclude(locale=portal.locale)
    assert set(minority.values_list("locale__language_code", flat=True)) == {"bdq", "sed"}
    assert minority.count() == 22 and not minority.filter(alias_of__isnull=True).exists()
    assert not PortalHomePage.objects.filter(locale__language_code__in=["bdq", "sed"]).exists()
    dak_la_site = CommuneSite.objects.get(unit__code="23524")
    assert registry.enabled_codes(dak_la_site.pk) == ["vi", "en", "bdq", "sed"]
    dak_la = homes.get(unit__code="23524")
    assert dak_la.title == "Xã Đắk La" and dak_la.get_site().hostname == "dak-la.localhost"
    assert dak_la.slug == "xa-dak-la"

    bodies, titles = set(), set()
    for home in homes:
        news = NewsPage.objects.live().descendant_of(home)
        documents = LegalDocumentPage.objects.live().descendant_of(home)
        profile = CommuneProfilePage.objects.child_of(home).get()
        organisation = OrganisationPage.objects.child_of(home).get()
        assert news.count() >= 3, home
        assert documents.count() >= 2, home
        assert profile.live and profile.population and profile.area_km2 and profile.ethnic_groups
        assert profile.villages.count() >= 5
        assert organisation.functions and len(organisation.leaders) >= 2 and len(organisation.focal_points) >= 1
        assert home.agency_name and home.address and home.phone and home.email and len(home.leaders) >= 2
        assert {item.date.year for item in news} <= {2023, 2024, 2025, 2026}
        assert all(doc.number and doc.issuing_body and doc.summary and doc.issue_date for doc in documents)
        bodies.add(profile.location)
        titles.update(news.values_list("title", flat=True))
        assert news.first().get_latest_revision() is not None  # published through revisions: the admin has history
    assert len(bodies) == 11  # each profile is its own, not one text with the name swapped
    assert len(titles) == NewsPage.objects.descendant_of(portal).count()
    assert NewsPage.objects.filter(promote_to_portal=True).count() >= 5
    assert len(set(NewsPage.objects.values_list("category", flat=True))) >= 4
    assert LegalDocumentPage.objects.filter(number="10/KH-UBND", issuing_body="Ủy ban nhân dân huyện Đắk Hà").exists()

    # Media, made locally: every news item has an illustration described for screen readers, every legal
    # document a PDF, each in its own site's collection; publication times agree with the article's date.
    for home in homes:
        collection = home.commune_site.collection
        for item in NewsPage.objects.descendant_of(home).select_related("image"):
            assert item.image.collection == collection and item.image_alt and item.image.width >= 1080, item
            assert timezone.localtime(item.first_published_at).date() == item.date, item
            assert timezone.localtime(item.last_published_at).date() == item.date, item
        for doc in LegalDocumentPage.objects.descendant_of(home):
            attachment = doc.attachments.select_related("document").get()
            assert attachment.document.collection == collection and attachment.document.file_extension == "pdf"
            with attachment.document.file.open("rb") as pdf:
                content = pdf.read()
            assert content.startswith(b"%PDF-")
            assert any(expected_text(doc.number) in text for text in pdf_texts(content)), doc  # a text layer
    assert portal.logo and portal.logo_alt and portal.hotline and portal.licence_number
    footer = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert escape(portal.licence_number) in footer and escape(portal.content_responsible) in footer

    # Demo users: real tenancy (the district administrator is not a superuser).
    district_admin = User.objects.get(username="quantri")
    assert not district_admin.is_superuser and district_admin.groups.filter(name=PORTAL_ADMINS_GROUP).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="bientap_dakla").groups.get().name.endswith("Biên tập viên")
    assert User.objects.get(username="duyet_hamon").groups.get().name.endswith("Người duyệt")
    assert district_admin.check_password(DEMO_PASSWORD)

    # What `make run` prints.
    assert "http://localhost:8123/" in output and "http://dak-la.localhost:8123/" in output
    assert "http://localhost:8123/quan-tri/" in output and DEMO_PASSWORD in output
    assert "http://localhost:8123/xa-dak-la/" in output

    # Both addresses of a commune serve its own content.
    story = NewsPage.objects.descendant_of(dak_la).get(slug="noi-bat")
    assert story.title in Client(HTTP_HOST="dak-la.localhost").get("/").content.decode()
    assert Client(HTTP_HOST="localhost").get("/xa-dak-la/").status_code == 200

    # Nghị định 42/2022, Điều 7: the organisation pages of the portal and of two communes in English, made
    # with wagtail-localize (the same translation key, a translation with translated strings), live, and
    # served under /en/ on each site's own hostname.
    english = Locale.objects.get(language_code="en")
    ha_mon = homes.get(unit__code="23521")
    assert OrganisationPage.objects.filter(locale=english).count() == 3
    for home, host in ((portal, "localhost"), (dak_la, "dak-la.localhost"), (ha_mon, "ha-mon.localhost")):
        original = OrganisationPage.objects.child_of(home).get()
        translated = OrganisationPage.objects.get(translation_key=original.translation_key, locale=english)
        assert translated.live and translated.alias_of_id is None, home
        assert translated.title == "Organisation and contacts"
        translation = Translation.objects.get(source__object_id=original.translation_key, target_locale=english)
        assert translation.source.locale == original.locale
        assert StringTranslation.objects.filter(translation_of__segments__source=translation.source,
                                                locale=english).count() >= 15, home
        response = Client(HTTP_HOST=host).get(f"/en/{original.slug}/")
        assert response.status_code == 200, host
        html = response.content.decode()
        assert '<html lang="en">' in html and "<h1>Organisation and contacts</h1>" in html
        assert "Functions and duties" in html and "The People's Committee of " in html
        article = html[html.index("<article"):html.index("</article>")]
        assert "Chủ tịch" not in article and "Ủy ban nhân dân" not in article  # positions in English ...
        assert all(escape(person.value["name"]) in article for person in original.leaders)  # ... names unchanged
        assert "cơ quan hành chính nhà nước" in original.functions  # and the Vietnamese page stays Vietnamese
    assert "Đắk La Commune" in Client(HTTP_HOST="dak-la.localhost").get("/en/co-cau-to-chuc/").content.decode()


    # E-boards and loudspeakers: areas from each commune's villages, a board group, 2–3 approved boards
    # and a speaker cluster per commune, published notices of each class; no active alert.
    for home in homes:
        profile = CommuneProfilePage.objects.child_of(home).get()
        devices = Device.objects.filter(commune__home=home)
        assert Area.objects.filter(commune__home=home).count() == profile.villages.count(), home
        assert BoardGroup.objects.filter(commune__home=home).exists(), home
        assert 2 <= devices.filter(kind=DeviceKind.BOARD).count() <= 3, home
        assert devices.filter(kind=DeviceKind.SPEAKER).count() == 1, home
        assert not devices.exclude(state=DeviceState.ACTIVE).exists(), home
        assert devices.filter(group__isnull=False).exists(), home
        notices = BoardNotice.objects.filter(commune__home=home, live=True)
        assert set(notices.values_list("broadcast_class", flat=True)) == set(BroadcastClass.values), home
    assert "Thôn" in " ".join(Area.objects.values_list("name", flat=True))
    # The commune radio: settings, the province's news relayed, two approved bulletins with their hours;
    # the cluster's village speaks the minority language where the commune is led by its minority people.
    for home in homes:
        cluster = Device.objects.get(commune__home=home, kind=DeviceKind.SPEAKER)
        assert cluster.area is not None, home
        assert RadioSettings.objects.filter(commune__home=home).exists(), home
        assert Relay.objects.filter(commune__home=home, enabled=True).count() == 1, home
        bulletins = RadioBulletin.objects.filter(commune__home=home, live=True)
        assert set(bulletins.values_list("broadcast_class", flat=True)) == {"routine", "priority"}, home
        assert all(b.slots.exists() and b.audio_key and b.get_latest_revision() for b in bulletins), home
    assert Area.objects.exclude(language="vi").exists()
    assert RadioSettings.objects.get(commune__unit__code="23500").max_slot_min == 15  # the town
    assert not Alert.objects.active().exists()
    assert not any(device.token_hash and device.token_hash in output for device in Device.objects.all())

    # Citizens' questions, taken through the real Q&A workflow.
    questions = Question.objects.select_related("contact", "commune")
    for home in homes:
        mine = questions.filter(commune=home)
        assert 3 <= mine.count() <= 5, home
        assert mine.published().count() >= 2, home
        assert mine.overdue().exists(), home  # the admin's "Quá hạn" flag has something to show
        assert mine.filter(state__in=["answered_privately", "rejected"]).exists(), home
    assert questions.filter(state="answered_privately", published_at__isnull=True).exists()
    assert all(q.state_reason for q in questions.filter(state="rejected"))
    assert {q.received_at.year for q in questions} == {2024, 2025}
    assert Holiday.objects.filter(date__year=2024, commune=None).count() == 13  # 2024 deadlines skip Tết too
    for question in questions:
        assert question.deadline == add_working_days(timezone.localdate(question.received_at), 10, question.commune)
        assert question.contact.phone.startswith("0900000")
        assert question.contact.email == "" or question.contact.email.endswith(".example")
        assert question.events.first().to_state == "received"
    for question in questions.published():
        assert question.received_at < question.answered_at <= question.published_at
        assert question.published_at.year in (2024, 2025) and question.answered_at.date() <= question.deadline
        assert set(question.events.values_list("to_state", flat=True)) >= {"received", "accepted", "answered",
                                                                          "published"}
        assert all(event.at.year in (2024, 2025) for event in question.events.all())
    # The number a citizen typed is in the original, hidden from the public text.
    redacted = questions.published().filter(original_text__contains="0900 000", public_text__contains="[đã ẩn]")
    assert redacted.count() == 11
    assert not questions.published().filter(public_text__contains="0900 000").exists()

    # Đắk La's answered questions are public on its own /hoi-dap/, nothing else is.
    commune_client = Client(HTTP_HOST="dak-la.localhost")
    listing = commune_client.get("/hoi-dap/").content.decode()
    own = questions.filter(commune=dak_la)
    own_titles = {escape(q.title) for q in own.published()}
    assert own_titles and all(title in listing for title in own_titles)
    assert not any(escape(q.title) in listing for q in own.exclude(state="published"))
    others = {escape(q.title) for q in questions.published().exclude(commune=dak_la)} - own_titles
    assert not any(title in listing for title in others)
    shown = redacted.get(commune=dak_la)
    detail = commune_client.get(f"/hoi-dap/{shown.pk}/").content.decode()
    assert "[đã ẩn]" in detail and "0900 000" not in detail and escape(shown.answer.split("\n")[0]) in detail
    portal_listing = Client(HTTP_HOST="localhost").get("/hoi-dap/").content.decode()
    assert sum(escape(q.title) in portal_listing for q in questions.published()) >= 5

    # The commune's editor finds its waiting question in the admin list; other communes' stay out.
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(User.objects.get(username="bientap_dakla"))
    admin_list = staff.get(reverse("questions_question:index"), {"overdue": "true"}).content.decode()
    assert all(q.tracking_code in admin_list for q in own.overdue())
    assert not any(q.tracking_code in admin_list for q in questions.exclude(commune=dak_la))
