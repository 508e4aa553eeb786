"""The board player (/thiet-bi/bang-tin/) in headless Chromium against the real device API of the live
server: rotation by duration, validity and recurrence by the server-corrected clock, emergency takeover
and return, offline play and reload through the service worker, and the LED strip layout.

Data is made as the admin makes it (published notice revisions, an approved device with its token,
sent alerts). Time: the board's clock is Playwright's fake clock (`page.clock`), moved forward instead
of sleeping; devices poll their alerts every 10 s and their snapshot every 30 s (the model's minimums).
"""

import datetime
import logging
import os
import time
import uuid
import zoneinfo
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file

from broadcasts import services
from broadcasts.models import (
    Alert,
    AlertSeverity,
    AlertStatus,
    BoardNotice,
    Device,
    DeviceKind,
    DisplayType,
    NoticeImage,
    NoticeTimeWindow,
    Play,
)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.hardening.csp_watch import SecurityWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PLAYER = "/thiet-bi/bang-tin/"
SCREEN = {"width": 1920, "height": 1080}
LED = {"width": 192, "height": 64}
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def browser():
    """Like tests/browser/conftest.py's, with Playwright's service-worker network events on: without
    them `context.set_offline(True)` does not reach the service worker's own fetches, and a reload
    "offline" would quietly come from the network (microsoft/playwright#2311)."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS")
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"  # read by the driver when it starts
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", None)
        else:
            os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = previous


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The API's limiter counts in the process's memory, which the live server shares with the tests."""
    from broadcasts.api import ratelimit

    ratelimit.devices.clear()
    ratelimit.addresses.clear()


@pytest.fixture(autouse=True)
def urls_loaded():
    """The admin's viewsets register BoardNotice's permission policy when the URLconf is first imported;
    publishing a notice before that (first thing in a process) makes Wagtail create a fallback policy,
    and the URLconf's import then fails. Load it first, as any request would."""
    reverse("board_player:board")


# ------------------------------------------------------------------------------------------ data


def make_board(district, *, name="Bảng tin chợ Đắk La", display_type=DisplayType.LCD, width=1920, height=1080,
               **fields):
    device = Device.objects.create(
        commune=district.a, kind=DeviceKind.BOARD, name=name, display_type=display_type, width=width,
        height=height, poll_interval_s=30, alerts_poll_interval_s=10, **fields,
    )
    token = services.device_approve(device=device, actor=district.district_admin)
    return device, token


def publish_notice(commune, title, text="Nội dung thông báo.", *, duration_s=3, display_order=0, valid_from=None,
                   valid_until=None, days=None, windows=(), images=()):
    now = timezone.now()
    notice = BoardNotice(
        commune=commune, title=title, text=text, duration_s=duration_s, display_order=display_order,
        valid_from=valid_from or now - datetime.timedelta(hours=1),
        valid_until=valid_until or now + datetime.timedelta(days=2), days=days or [],
    )
    notice.time_windows = [NoticeTimeWindow(start=start, end=end) for start, end in windows]
    notice.images = [NoticeImage(image=image) for image in images]
    notice.save()
    notice.save_revision().publish()
    return notice


def while_the_player_polls(write):
    """Run `write` in one transaction while the player keeps polling the live server (the browser tests'
    SQLite database is a file, so the write waits for a server thread's read: tests/browser/conftest.py)."""
    with transaction.atomic():
        return write()


def send_alert(commune, headline, **fields):
    return while_the_player_polls(lambda: _send_alert(commune, headline, **fields))


def _send_alert(commune, headline, *, severity=AlertSeverity.SEVERE, status=AlertStatus.ACTUAL, expires_in=3600,
                sent_ago=0):
    now = timezone.now().replace(microsecond=0)
    alert = Alert.objects.create(
        issuer=commune, headline=headline, event="Lũ quét", description="Mưa lớn kéo dài trên thượng nguồn.",
        instruction="Di chuyển ngay lên vùng cao, tránh xa bờ suối.", severity=severity, status=status,
        area_description="Các thôn ven suối Đắk La", sent=now - datetime.timedelta(seconds=sent_ago),
        expires=now + datetime.timedelta(seconds=expires_in), identifier=f"test.{uuid.uuid4()}",
    )
    alert.communes.add(commune)
    services.feeds_touch(communes=[commune], alerts=True)
    return alert


def cancel_alert(alert):
    """What a Cancel message does to the original: it is superseded and leaves the alerts feed."""

    def cancel():
        Alert.objects.filter(pk=alert.pk).update(superseded_at=timezone.now())
        services.feeds_touch(communes=list(alert.communes.all()), alerts=True)

    while_the_player_polls(cancel)


# ----------------------------------------------------------------------------------------- board


def open_board(context, live_server, device, token, *, clock=None):
    page = context.new_page()
    watch = SecurityWatch(page)
    if clock is not None:
        page.clock.install(time=clock)
    page.goto(f"{live_server.url}{PLAYER}#device={device.pk}&token={token}")
    return page, watch


def showing(page):
    """The title (or alert headline) on screen now, and which screen it is."""
    return page.evaluate("""() => {
        const visible = [...document.querySelectorAll('.screen')].find(s => !s.hidden);
        if (!visible) return [null, null];
        const title = visible.querySelector('.notice-title, .alert-headline, .idle-title, h1');
        return [visible.id, title ? title.textContent : null];
    }""")


def wait_for_title(page, title, timeout=8000):
    page.wait_for_function(
        """(title) => [...document.querySelectorAll('.screen:not([hidden]) .notice-title, '
                + '.screen:not([hidden]) .alert-headline')].some(e => e.textContent === title)""",
        arg=title, timeout=timeout,
    )


def pause(page):
    """Stop the board's (fake) clock where it is now: from here on it moves only with run_for."""
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.1)


def timeline(page, *, seconds, step_ms=250):
    """Move the (paused) board clock on in steps and note what was on screen: [(title, seconds shown)]."""
    spells = []
    for _ in range(int(seconds * 1000 / step_ms)):
        title = showing(page)[1]
        if spells and spells[-1][0] == title:
            spells[-1][1] += step_ms / 1000
        else:
            spells.append([title, step_ms / 1000])
        page.clock.run_for(step_ms)
    return [tuple(spell) for spell in spells]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"board-{name}.png"))


def font_px(page, selector):
    return page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")


def local(moment):
    return moment.astimezone(VN)


# ----------------------------------------------------------------------------------------- tests


def test_two_notices_alternate_each_for_its_duration_and_the_token_leaves_the_address_bar(
        browser, live_server, district, caplog):
    publish_notice(district.a, "Lịch tiêm chủng tháng 12", duration_s=3, display_order=0)
    publish_notice(district.a, "Thu gom rác thải thứ Bảy", duration_s=5, display_order=1)
    other, _ = make_board(district, name="Bảng tin khác")  # a board of the same commune: not ours
    device, token = make_board(district)
    context = browser.new_context(viewport=SCREEN)
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    with caplog.at_level(logging.DEBUG, logger="django.server"):
        page, watch = open_board(context, live_server, device, token, clock=datetime.datetime.now(datetime.UTC))
        wait_for_title(page, "Lịch tiêm chủng tháng 12")
        page.wait_for_function("() => localStorage.getItem('bang-tin:snapshot') !== null")

        # The fragment is gone from the address bar; the credentials live in localStorage.
        assert page.url == f"{live_server.url}{PLAYER}"
        stored = page.evaluate("JSON.parse(localStorage.getItem('bang-tin:credentials'))")
        assert stored == {"device": str(device.pk), "token": token}

        # 1920×1080: large type, high contrast. (Axe waits on timers: before the clock is paused.)
        assert font_px(page, "#notice .notice-title") >= 90
        assert font_px(page, "#notice .notice-text") >= 60
        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        assert not violations, [v["id"] for v in violations]
        screenshot(page, "1920x1080-notice")

        # From here on the board's time moves only when the test moves it: a look every quarter second.
        pause(page)
        spells = timeline(page, seconds=17)
    # The spells seen whole (not the first, cut by the pause, nor the last) last their own durations.
    titles = [title for title, _ in spells]
    assert set(titles) == {"Lịch tiêm chủng tháng 12", "Thu gom rác thải thứ Bảy"}
    assert all(one != next_one for one, next_one in zip(titles, titles[1:], strict=False)), titles  # they alternate
    whole = spells[1:-1]
    assert len(whole) >= 3
    for title, seconds in whole:
        expected = 3 if title == "Lịch tiêm chủng tháng 12" else 5
        assert abs(seconds - expected) <= 0.3, spells
    assert not watch.problems()
    context.close()

    api_calls = [url for url in requests if "/api/devices/v1/" in url]
    assert any(url.endswith(f"/devices/{device.pk}/snapshot") for url in api_calls)
    assert not [url for url in requests if token in url or "token=" in url]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"/devices/{device.pk}/snapshot" in logged  # the live server's request log was captured
    assert token not in logged
    assert not [url for url in api_calls if f"/devices/{other.pk}/" in url]


def test_validity_follows_the_servers_clock_even_when_the_boards_clock_is_two_hours_ahead(
        browser, live_server, district):
    now = timezone.now()
    ends = now + datetime.timedelta(seconds=6)
    publish_notice(district.a, "Thông báo sắp hết hạn", duration_s=60, display_order=0, valid_until=ends)
    publish_notice(district.a, "Thông báo thường trực", duration_s=60, display_order=1)
    publish_notice(district.a, "Thông báo chưa tới giờ", duration_s=60, display_order=-1,
                   valid_from=now + datetime.timedelta(hours=1))
    device, token = make_board(district)
    context = browser.new_context(viewport=SCREEN)
    wrong_clock = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    page, watch = open_board(context, live_server, device, token, clock=wrong_clock)

    # By its own clock the first notice has ended and the third has begun; by the server's it is the
    # other way round.
    wait_for_title(page, "Thông báo sắp hết hạn")
    # It ends at valid_until, in the middle of its 60 seconds, without waiting for a poll.
    wait_for_title(page, "Thông báo thường trực", timeout=10000)
    # The server states its time to the second: the board knows it to within half of one.
    assert abs((timezone.now() - ends).total_seconds()) <= 1
    assert showing(page) == ["notice", "Thông báo thường trực"]
    assert page.evaluate("Math.round(JSON.parse(localStorage.getItem('bang-tin:offset')) / 60000)") == -120
    assert not watch.problems()
    context.close()


def test_only_notices_inside_their_days_and_time_windows_show(browser, live_server, district):
    now = local(timezone.now())
    hour = datetime.timedelta(hours=1)
    inside = ((now - hour).time().replace(second=0, microsecond=0), (now + hour).time().replace(second=0, microsecond=0))
    later = ((now + hour).time().replace(second=0, microsecond=0), (now + 2 * hour).time().replace(second=0, microsecond=0))
    other_days = [day for day in range(1, 8) if day != now.isoweekday()]
    publish_notice(district.a, "Trong khung giờ", display_order=1, windows=[inside])
    publish_notice(district.a, "Ngoài khung giờ", display_order=0, windows=[later])
    publish_notice(district.a, "Chỉ các ngày khác", display_order=2, days=other_days)
    device, token = make_board(district)
    context = browser.new_context(viewport=SCREEN)
    page, watch = open_board(context, live_server, device, token, clock=datetime.datetime.now(datetime.UTC))
    wait_for_title(page, "Trong khung giờ")
    pause(page)
    seen = set()
    for _ in range(4):
        page.clock.run_for(3100)
        seen.add(showing(page)[1])
    assert seen == {"Trong khung giờ"}

    # The rules themselves, at chosen moments (the board's code, in the board's browser):
    # 22:00–05:00 runs overnight and belongs to the day it starts on.
    rules = page.evaluate("""() => {
        const at = (iso) => Date.parse(iso);
        const overnight = {days: [5], time_windows: [{from: "22:00", to: "05:00"}]};  // Fridays
        const check = (rec, iso) => BoardPlayer.inRecurrence(rec, at(iso), "Asia/Ho_Chi_Minh");
        return {
            fridayNight: check(overnight, "2026-12-04T23:30:00+07:00"),
            saturdayEarly: check(overnight, "2026-12-05T04:59:00+07:00"),
            saturdayFive: check(overnight, "2026-12-05T05:00:00+07:00"),
            saturdayNight: check(overnight, "2026-12-05T23:30:00+07:00"),
            fridayEarly: check(overnight, "2026-12-04T04:00:00+07:00"),
            morningEnd: check({days: [], time_windows: [{from: "07:00", to: "11:30"}]}, "2026-12-01T11:30:00+07:00"),
            morning: check({days: [], time_windows: [{from: "07:00", to: "11:30"}]}, "2026-12-01T07:00:00+07:00"),
            utcMidnightIsVietnamMorning: check({days: [2], time_windows: [{from: "07:00", to: "08:00"}]},
                                               "2026-12-01T00:30:00Z"),
        };
    }""")
    assert rules == {"fridayNight": True, "saturdayEarly": True, "saturdayFive": False, "saturdayNight": False,
                     "fridayEarly": False, "morningEnd": False, "morning": True, "utcMidnightIsVietnamMorning": True}
    assert not watch.problems()
    context.close()


def test_an_alert_takes_over_within_one_alerts_poll_and_the_rotation_returns_after_cancel_and_expiry(
        browser, live_server, district):
    publish_notice(district.a, "Lịch họp dân thôn 3", duration_s=30)
    device, token = make_board(district, test_mode=True)
    context = browser.new_context(viewport=SCREEN)
    alerts_polls = []
    context.on("request", lambda r: alerts_polls.append(time.monotonic()) if r.url.endswith("/alerts") else None)
    page, watch = open_board(context, live_server, device, token, clock=datetime.datetime.now(datetime.UTC))
    wait_for_title(page, "Lịch họp dân thôn 3")
    page.wait_for_function("() => localStorage.getItem('bang-tin:alerts') !== null")

    # Two alerts at once: the most severe first, though it was sent earlier.
    flood = send_alert(district.a, "Lũ quét trên suối Đắk La", severity=AlertSeverity.EXTREME, sent_ago=60)
    send_alert(district.a, "Mưa lớn kéo dài", severity=AlertSeverity.MODERATE)
    page.clock.fast_forward(10_000)  # one alerts poll interval
    wait_for_title(page, "Lũ quét trên suối Đắk La", timeout=5000)
    alert = page.locator("#alert")
    assert alert.get_attribute("role") == "alert"
    assert alert.locator(".alert-count").inner_text() == "Cảnh báo 1/2"
    assert alert.locator(".alert-severity").inner_text() == "Đặc biệt nghiêm trọng, cần hành động ngay"
    assert alert.locator(".alert-instruction").inner_text() == "Di chuyển ngay lên vùng cao, tránh xa bờ suối."
    assert alert.locator(".alert-exercise").is_hidden()
    assert page.locator("#notice").is_hidden()
    assert font_px(page, "#alert .alert-headline") >= 110
    background = page.eval_on_selector("#alert", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(165, 0, 0)"
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, [v["id"] for v in violations]
    screenshot(page, "1920x1080-alert")

    # Cancelled: gone at the next alerts poll, back to the rotation (the moderate one stays, then goes).
    cancel_alert(flood)
    page.clock.fast_forward(10_000)
    wait_for_title(page, "Mưa lớn kéo dài", timeout=5000)
    while_the_player_polls(lambda: Alert.objects.filter(status=AlertStatus.ACTUAL).update(superseded_at=timezone.now()))
    services.feeds_touch(communes=[district.a], alerts=True)
    page.clock.fast_forward(10_000)
    wait_for_title(page, "Lịch họp dân thôn 3", timeout=5000)
    assert page.locator("#alert").is_hidden()

    # An exercise that expires: marked as one, and gone at its expiry by the board's own clock,
    # before the next alerts poll.
    exercise = send_alert(district.a, "Diễn tập sơ tán", status=AlertStatus.EXERCISE, expires_in=5)
    page.clock.fast_forward(10_000)
    wait_for_title(page, "Diễn tập sơ tán", timeout=4000)
    assert alert.locator(".alert-exercise").inner_text() == "DIỄN TẬP – KHÔNG PHẢI TÌNH HUỐNG THẬT"
    assert "exercise" in alert.get_attribute("class")
    screenshot(page, "1920x1080-exercise")
    polls_before = len(alerts_polls)
    wait_for_title(page, "Lịch họp dân thôn 3", timeout=7000)
    assert len(alerts_polls) == polls_before

    # The next snapshot poll brings a heartbeat and the proof of play: the alerts shown, as emergencies.
    page.clock.fast_forward(30_000)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not Play.objects.filter(device=device, item_id=f"alert-{exercise.pk}").exists():
        time.sleep(0.2)
    plays = {play.item_id: play for play in Play.objects.filter(device=device).order_by("started_at")}
    flood_play = plays[f"alert-{flood.pk}"]  # cancelled while on screen
    assert (flood_play.trigger, flood_play.broadcast_class, flood_play.outcome) == ("emergency", "emergency", "interrupted")
    assert flood_play.duration_s >= 9  # one alerts poll interval, by the board's clock
    assert plays[f"alert-{exercise.pk}"].outcome == "completed"  # it ran to its expiry
    assert Play.objects.filter(device=device, item_id__startswith="notice-", outcome="interrupted").exists()
    device.refresh_from_db()
    assert device.last_snapshot_revision and device.last_status.get("status") in ("ok", "degraded")
    assert not watch.problems()
    context.close()


def test_the_board_keeps_playing_offline_and_after_a_reload_without_network(browser, live_server, district):
    from wagtail.images.models import Image

    image = Image.objects.create(title="Sơ đồ điểm tiêm", file=get_test_image_file("diem-tiem.png", colour="red"))
    publish_notice(district.a, "Điểm tiêm chủng", duration_s=3, display_order=0, images=[image])
    publish_notice(district.a, "Giờ làm việc của xã", duration_s=3, display_order=1)
    publish_notice(district.a, "Hết hạn khi mất mạng", duration_s=3, display_order=2,
                   valid_until=timezone.now() + datetime.timedelta(seconds=40))
    device, token = make_board(district)
    context = browser.new_context(viewport=SCREEN)
    page, watch = open_board(context, live_server, device, token, clock=datetime.datetime.now(datetime.UTC))
    wait_for_title(page, "Điểm tiêm chủng")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10000)
    page.wait_for_function("""async () => (await (await caches.open('bang-tin-media')).keys()).length === 1""")
    image_url = page.evaluate("JSON.parse(localStorage.getItem('bang-tin:snapshot')).body.assets[0].url")

    context.set_offline(True)
    pause(page)
    seen = []
    for _ in range(4):
        page.clock.run_for(3100)
        seen.append(showing(page)[1])
    assert "Giờ làm việc của xã" in seen and "Điểm tiêm chủng" in seen and "Hết hạn khi mất mạng" in seen

    # Reload with no network: the service worker serves the page, its script and style sheet, and the
    # image; localStorage gives the schedule.
    page.clock.resume()
    response = page.reload()
    assert response.from_service_worker
    wait_for_title(page, "Điểm tiêm chủng", timeout=8000)
    page.wait_for_function("() => document.querySelector('.notice-image').complete")
    assert page.evaluate("document.querySelector('.notice-image').naturalWidth") > 0
    assert page.evaluate("document.querySelector('.notice-image').src") == image_url
    page.wait_for_function("() => document.body.classList.contains('offline')", timeout=5000)
    assert "Mất kết nối mạng" in page.locator(".status-network").inner_text()
    screenshot(page, "1920x1080-offline-image")

    # Still offline, a minute later: the notice that ended is no longer shown.
    page.clock.fast_forward("01:00")
    pause(page)
    seen = []
    for _ in range(6):
        page.clock.run_for(3100)
        seen.append(showing(page)[1])
    assert set(seen) == {"Điểm tiêm chủng", "Giờ làm việc của xã"}
    assert not watch.problems()
    context.close()


def test_an_led_strip_shows_text_only_one_line_each_and_scrolls_what_does_not_fit(browser, live_server, district):
    publish_notice(district.a, "Cắt điện", "Cắt điện từ 7 giờ đến 11 giờ 30 ngày 05/12 để bảo trì đường dây 22 kV.",
                   duration_s=30)
    device, token = make_board(district, name="Bảng LED trụ sở", display_type=DisplayType.LED, width=192, height=64)
    context = browser.new_context(viewport=LED)
    page, watch = open_board(context, live_server, device, token)
    wait_for_title(page, "Cắt điện")
    assert page.evaluate("document.documentElement.classList.contains('led')")
    assert page.locator(".notice-image").is_hidden() and page.locator(".status").is_hidden()
    title = page.locator("#notice .notice-title").bounding_box()
    text = page.locator("#notice .notice-text").bounding_box()
    assert title["y"] >= 0 and text["y"] >= title["y"] + title["height"] - 1
    assert text["y"] + text["height"] <= LED["height"]
    assert font_px(page, "#notice .notice-text") >= 16
    assert page.evaluate("document.documentElement.scrollWidth") <= LED["width"]
    # The long text scrolls; the short title does not.
    assert "marquee" in page.locator("#notice .notice-text").get_attribute("class")
    assert "marquee" not in (page.locator("#notice .notice-title").get_attribute("class") or "")
    assert page.eval_on_selector("#notice .notice-text .scroll", "e => getComputedStyle(e).animationName") == "marquee"
    screenshot(page, "192x64-led")
    assert not watch.problems()
    context.close()
