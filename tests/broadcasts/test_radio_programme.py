"""The commune radio's programme rules (`broadcasts.programme`), without a database: slots and repeats,
languages, quiet hours, collisions and overruns, relays interrupted and resumed, alerts at once and
repeated, and the invariants of any programme (sorted, never overlapping)."""

import datetime
import random

from broadcasts.programme import DEFAULT_RULES, TZ, Alert, Audio, Bulletin, Relay, Rules, programme

MONDAY = datetime.date(2026, 9, 7)
MIN = datetime.timedelta(minutes=1)


def at(hour, minute=0, second=0, day=0):
    return datetime.datetime.combine(MONDAY + datetime.timedelta(days=day), datetime.time(hour, minute, second),
                                     tzinfo=TZ)


def audio(seconds=60, language="vi", name="a"):
    return Audio(f"sha256:{name * 64}"[:71], seconds, language)


def bulletin(pk, *slots, seconds=60, klass="routine", **fields):
    fields.setdefault("valid_from", at(0, day=-10))
    fields.setdefault("valid_until", at(0, day=10))
    fields.setdefault("audio", audio(seconds, name=str(pk % 10)))
    return Bulletin(pk=pk, title=f"Bản tin {pk}", klass=klass, slots=tuple(datetime.time(*s) for s in slots),
                    **fields)


def relay(pk, start, end, klass="routine", **fields):
    fields.setdefault("valid_from", at(0, day=-10))
    return Relay(pk=pk, name=f"Tiếp âm {pk}", stream_url=f"https://radio.example.vn/{pk}.mp3",
                 start=datetime.time(*start), end=datetime.time(*end), klass=klass, **fields)


def run(*, bulletins=(), relays=(), alerts=(), rules=DEFAULT_RULES, language="vi", start=None, end=None, now=None):
    start = start or at(0)
    return programme(bulletins=bulletins, relays=relays, alerts=alerts, rules=rules, language=language,
                     start=start, end=end or start + datetime.timedelta(days=1), now=now)


def hm(moment):
    return moment.astimezone(TZ).strftime("%H:%M:%S")


def timeline(result):
    return [(e.item_id, hm(e.start), hm(e.end)) for e in result.entries]


def kinds(result):
    return [(w.kind, w.item_id) for w in result.warnings]


# ------------------------------------------------------------------------------------- 1. bulletins


def test_a_bulletin_plays_at_each_slot_then_repeats_after_its_duration_and_gap():
    news = bulletin(1, (6, 0), (17, 0), seconds=89.2, repeats=3, gap_min=5)

    result = run(bulletins=[news])

    assert timeline(result) == [
        ("bulletin-1", "06:00:00", "06:01:30"), ("bulletin-1", "06:06:30", "06:08:00"),
        ("bulletin-1", "06:13:00", "06:14:30"),
        ("bulletin-1", "17:00:00", "17:01:30"), ("bulletin-1", "17:06:30", "17:08:00"),
        ("bulletin-1", "17:13:00", "17:14:30"),
    ]
    first = result.entries[0]
    assert (first.kind, first.klass, first.repeat, first.of, first.language) == ("audio", "routine", 1, 3, "vi")
    assert [e.repeat for e in result.entries] == [1, 2, 3, 1, 2, 3]
    assert result.warnings == []


def test_a_bulletin_plays_only_on_its_days_and_starts_only_inside_its_validity():
    news = bulletin(1, (6, 0), (17, 0), days=(1, 3), valid_from=at(12), valid_until=at(12, day=2))

    result = run(bulletins=[news], end=at(0, day=3))

    assert [(e.start.date().isoweekday(), hm(e.start)) for e in result.entries] == [(1, "17:00:00"), (3, "06:00:00")]


def test_a_cluster_plays_the_version_in_its_villages_language_and_else_the_bulletins_own():
    news = bulletin(1, (6, 0), versions={"bdq": audio(30, "bdq", name="b")})

    ba_na = run(bulletins=[news], language="bdq").entries[0]
    jrai = run(bulletins=[news], language="jra").entries[0]

    assert (ba_na.language, ba_na.asset_id, hm(ba_na.end)) == ("bdq", audio(name="b").asset_id, "06:00:30")
    assert (jrai.language, jrai.asset_id) == ("vi", news.audio.asset_id)


def test_a_bulletin_without_ready_audio_is_not_scheduled_and_a_warning_says_so():
    result = run(bulletins=[bulletin(1, (6, 0), audio=None)])

    assert result.entries == []
    [warning] = result.warnings
    assert (warning.kind, warning.item_id) == ("no_audio", "bulletin-1")
    assert "chưa có âm thanh" in warning.message


def test_a_version_with_audio_plays_even_when_the_bulletins_own_audio_is_not_ready():
    news = bulletin(1, (6, 0), audio=None, versions={"bdq": audio(30, "bdq")})

    assert [e.language for e in run(bulletins=[news], language="bdq").entries] == ["bdq"]
    assert kinds(run(bulletins=[news], language="vi")) == [("no_audio", "bulletin-1")]


# ------------------------------------------------------------------------------------ 2. quiet hours


def test_plays_overlapping_quiet_hours_are_dropped_and_emergencies_play_through_them():
    late = bulletin(1, (21, 29, 30), seconds=60)
    before = bulletin(2, (21, 28), seconds=60)
    urgent = bulletin(3, (23, 0), klass="emergency")

    result = run(bulletins=[late, before, urgent])

    assert timeline(result) == [("bulletin-2", "21:28:00", "21:29:00"), ("bulletin-3", "23:00:00", "23:01:00")]
    [warning] = result.warnings
    assert (warning.kind, warning.item_id) == ("quiet_hours", "bulletin-1")
    assert warning.message == "“Bản tin 1” lúc 21:29:30 rơi vào giờ yên tĩnh (21:30–05:30): bỏ lượt phát này."


def test_quiet_hours_may_wrap_midnight_or_not():
    overnight = Rules(quiet_from=datetime.time(22), quiet_until=datetime.time(5))
    noon = Rules(quiet_from=datetime.time(12), quiet_until=datetime.time(13))
    news = [bulletin(1, (4, 30)), bulletin(2, (5, 0)), bulletin(3, (12, 30)), bulletin(4, (22, 30))]

    assert [e.item_id for e in run(bulletins=news, rules=overnight).entries] == ["bulletin-2", "bulletin-3"]
    assert [e.item_id for e in run(bulletins=news, rules=noon).entries] == ["bulletin-1", "bulletin-2", "bulletin-4"]


def test_a_relay_is_cut_to_outside_quiet_hours():
    result = run(relays=[relay(1, (21, 0), (22, 0))])

    assert timeline(result) == [("relay-1", "21:00:00", "21:30:00")]
    assert kinds(result) == [("quiet_hours", "relay-1")]
    assert "chỉ phát 21:00–21:30" in result.warnings[0].message


# ------------------------------------------------------------------------------ 3. collisions, runs


def test_plays_at_the_same_time_are_serialised_by_class_then_display_order_then_pk():
    routine = bulletin(1, (7, 0), seconds=120)
    second = bulletin(2, (7, 0), seconds=120, klass="priority", display_order=2)
    first = bulletin(3, (7, 0), seconds=120, klass="priority", display_order=1)
    same_order = bulletin(4, (7, 0), seconds=120, klass="priority", display_order=2)

    result = run(bulletins=[routine, second, first, same_order])

    assert timeline(result) == [
        ("bulletin-3", "07:00:00", "07:02:00"), ("bulletin-2", "07:02:00", "07:04:00"),
        ("bulletin-4", "07:04:00", "07:06:00"), ("bulletin-1", "07:06:00", "07:08:00"),
    ]
    collisions = [(w.item_id, w.other_id, w.message) for w in result.warnings]
    assert collisions == [
        ("bulletin-2", "bulletin-3", "Trùng giờ với “Bản tin 3”: lùi từ 07:00 sang 07:02."),
        ("bulletin-4", "bulletin-2", "Trùng giờ với “Bản tin 2”: lùi từ 07:00 sang 07:04."),
        ("bulletin-1", "bulletin-4", "Trùng giờ với “Bản tin 4”: lùi từ 07:00 sang 07:06."),
    ]
    assert {w.kind for w in result.warnings} == {"collision"}


def test_a_play_already_on_air_finishes_before_a_priority_bulletin_that_starts_during_it():
    long = bulletin(1, (7, 0), seconds=600)
    priority = bulletin(2, (7, 5), klass="priority")

    result = run(bulletins=[long, priority])

    assert timeline(result) == [("bulletin-1", "07:00:00", "07:10:00"), ("bulletin-2", "07:10:00", "07:11:00")]
    assert kinds(result) == [("collision", "bulletin-2")]


def test_a_run_of_back_to_back_plays_past_the_longest_broadcast_drops_the_plays_ending_too_late():
    rules = Rules(max_slot_min=10)
    news = [bulletin(pk, (7, 0), seconds=240, display_order=pk) for pk in (1, 2, 3)]
    short = bulletin(4, (7, 0), seconds=90, display_order=4)

    result = run(bulletins=[*news, short], rules=rules)

    assert timeline(result) == [
        ("bulletin-1", "07:00:00", "07:04:00"), ("bulletin-2", "07:04:00", "07:08:00"),
        ("bulletin-4", "07:08:00", "07:09:30"),
    ]
    overrun = [w for w in result.warnings if w.kind == "overrun"]
    assert [(w.item_id, w.message) for w in overrun] == [
        ("bulletin-3", "“Bản tin 3” lúc 07:08 làm lượt phát bắt đầu 07:00 dài quá 10 phút: bỏ lượt phát này."),
    ]


def test_emergency_bulletins_are_never_dropped_for_a_long_run():
    rules = Rules(max_slot_min=5)
    news = [bulletin(pk, (7, 0), seconds=240, klass="emergency", display_order=pk) for pk in (1, 2, 3)]

    result = run(bulletins=news, rules=rules)

    assert [e.item_id for e in result.entries] == ["bulletin-1", "bulletin-2", "bulletin-3"]
    assert {w.kind for w in result.warnings} == {"collision"}


def test_a_play_moved_past_the_end_of_its_bulletins_validity_is_dropped():
    first = bulletin(1, (7, 0), seconds=300, klass="priority")
    short_lived = bulletin(2, (7, 0), valid_until=at(7, 3))

    result = run(bulletins=[first, short_lived])

    assert [e.item_id for e in result.entries] == ["bulletin-1"]
    assert kinds(result) == [("overrun", "bulletin-2")]


# ------------------------------------------------------------------------------------------ 4. relays


def test_a_bulletin_of_a_higher_class_interrupts_a_relay_which_resumes_after_it():
    result = run(relays=[relay(1, (5, 30), (6, 30))], bulletins=[bulletin(2, (6, 0), seconds=120, klass="priority")])

    assert timeline(result) == [
        ("relay-1", "05:30:00", "06:00:00"), ("bulletin-2", "06:00:00", "06:02:00"),
        ("relay-1", "06:02:00", "06:30:00"),
    ]
    assert [e.resumes for e in result.entries] == [False, False, True]
    assert result.entries[0].stream_url == "https://radio.example.vn/1.mp3" and result.entries[0].kind == "relay"
    [warning] = result.warnings
    assert (warning.kind, warning.item_id, warning.other_id) == ("relay", "relay-1", "bulletin-2")
    assert warning.message == "“Bản tin 2” ngắt tiếp âm “Tiếp âm 1” lúc 06:00; tiếp âm tiếp tục lúc 06:02."


def test_a_bulletin_of_the_same_or_a_lower_class_moves_to_right_after_the_relay():
    same = bulletin(2, (6, 0), klass="priority")
    lower = bulletin(3, (6, 10))

    result = run(relays=[relay(1, (5, 30), (6, 30), klass="priority")], bulletins=[same, lower])

    assert timeline(result) == [
        ("relay-1", "05:30:00", "06:30:00"), ("bulletin-2", "06:30:00", "06:31:00"),
        ("bulletin-3", "06:31:00", "06:32:00"),
    ]
    assert [(w.kind, w.item_id, w.other_id) for w in result.warnings] == [
        ("collision", "bulletin-2", "relay-1"), ("collision", "bulletin-3", "bulletin-2"),
    ]
    assert result.warnings[0].message == "Trùng giờ với tiếp âm “Tiếp âm 1”: lùi từ 06:00 sang 06:30."


def test_a_bulletin_moved_after_a_relay_is_checked_again_against_quiet_hours_and_runs():
    into_quiet = run(relays=[relay(1, (20, 0), (21, 30))], bulletins=[bulletin(2, (21, 0))])
    rules = Rules(max_slot_min=3)
    into_overrun = run(relays=[relay(1, (6, 0), (7, 0))], rules=rules,
                       bulletins=[bulletin(2, (6, 58), seconds=120), bulletin(3, (6, 59), seconds=120)])

    assert [e.item_id for e in into_quiet.entries] == ["relay-1"]
    assert kinds(into_quiet) == [("quiet_hours", "bulletin-2")]
    assert [e.item_id for e in into_overrun.entries] == ["relay-1", "bulletin-2"]
    assert kinds(into_overrun) == [("collision", "bulletin-2"), ("overrun", "bulletin-3")]


def test_a_relay_runs_past_midnight_on_its_days_inside_its_validity():
    rules = Rules(quiet_from=datetime.time(2), quiet_until=datetime.time(3))
    night = relay(1, (23, 0), (1, 0), days=(1,), valid_until=at(0, 30, day=1))

    result = run(relays=[night], rules=rules, end=at(0, day=3))

    assert [(e.start, e.end) for e in result.entries] == [(at(23), at(0, 30, day=1))]


def test_two_relays_at_the_same_time_the_higher_class_keeps_the_time():
    province = relay(1, (17, 0), (18, 0))
    national = relay(2, (17, 30), (17, 45), klass="priority")

    result = run(relays=[province, national])

    assert timeline(result) == [
        ("relay-1", "17:00:00", "17:30:00"), ("relay-2", "17:30:00", "17:45:00"), ("relay-1", "17:45:00", "18:00:00"),
    ]
    assert [e.resumes for e in result.entries] == [False, False, True]
    assert kinds(result) == [("relay", "relay-1")]


# ------------------------------------------------------------------------------------------ 5. alerts


def flood(pk=9, start=None, repeats=3, gap_min=10, seconds=60, expires=None):
    start = start or at(7)
    return Alert(pk=pk, title="Lũ quét", start=start, expires=expires or start + datetime.timedelta(hours=12),
                 audio=audio(seconds, name="f"), repeats=repeats, gap_min=gap_min)


def test_an_alert_plays_at_once_and_repeats_splitting_relays_and_moving_bulletins():
    result = run(alerts=[flood()], relays=[relay(1, (7, 0), (7, 30), klass="priority")],
                 bulletins=[bulletin(2, (7, 11, 30), klass="emergency")])

    assert timeline(result) == [
        ("alert-9", "07:00:00", "07:01:00"), ("relay-1", "07:01:00", "07:11:00"),
        ("alert-9", "07:11:00", "07:12:00"), ("bulletin-2", "07:12:00", "07:13:00"),
        ("relay-1", "07:13:00", "07:22:00"), ("alert-9", "07:22:00", "07:23:00"),
        ("relay-1", "07:23:00", "07:30:00"),
    ]
    alerts = [e for e in result.entries if e.item_id == "alert-9"]
    assert [(e.repeat, e.of, e.klass) for e in alerts] == [(1, 3, "emergency"), (2, 3, "emergency"), (3, 3, "emergency")]
    assert ("collision", "bulletin-2") in kinds(result)


def test_alerts_ignore_quiet_hours_and_plays_over_before_now_are_left_out():
    now = at(23, 5)
    result = run(alerts=[flood(start=at(23))], start=now, now=now)

    assert timeline(result) == [("alert-9", "23:11:00", "23:12:00"), ("alert-9", "23:22:00", "23:23:00")]


def test_an_alert_play_on_air_now_is_kept_and_repeats_stop_when_the_alert_expires():
    now = at(7, 0, 30)
    result = run(alerts=[flood(repeats=5, expires=at(7, 30))], start=now, now=now)

    assert [(hm(e.start), e.repeat, e.of) for e in result.entries] == [
        ("07:00:00", 1, 3), ("07:11:00", 2, 3), ("07:22:00", 3, 3),
    ]


def test_two_alerts_at_once_play_one_after_the_other_and_one_without_audio_is_named():
    silent = Alert(pk=3, title="Sạt lở", start=at(7), expires=at(19), audio=None)
    result = run(alerts=[flood(pk=1, repeats=1), flood(pk=2, repeats=1), silent])

    assert timeline(result) == [("alert-1", "07:00:00", "07:01:00"), ("alert-2", "07:01:00", "07:02:00")]
    assert kinds(result) == [("no_audio", "alert-3")]


# --------------------------------------------------------------------------------------- invariants


def test_an_entry_already_playing_at_the_start_is_included_and_nothing_after_the_end():
    result = run(bulletins=[bulletin(1, (5, 59), seconds=120), bulletin(2, (9, 0))], start=at(6), end=at(9))

    assert timeline(result) == [("bulletin-1", "05:59:00", "06:01:00")]


def test_any_programme_is_sorted_never_overlaps_and_keeps_routine_plays_out_of_quiet_hours():
    chance = random.Random(20260907)
    classes = ["routine", "priority", "emergency"]
    for _ in range(40):
        rules = Rules(quiet_from=datetime.time(chance.randrange(24)), quiet_until=datetime.time(chance.randrange(24), 30),
                      max_slot_min=chance.choice([5, 15, 30]))
        bulletins = [
            bulletin(pk, *[(chance.randrange(24), chance.choice([0, 15, 30])) for _ in range(chance.randint(1, 3))],
                     seconds=chance.uniform(5, 400), klass=chance.choice(classes), display_order=chance.randrange(3),
                     repeats=chance.randint(1, 3), gap_min=chance.choice([0, 5, 30]),
                     days=tuple(chance.sample(range(1, 8), chance.randint(0, 7))))
            for pk in range(1, chance.randint(2, 15))
        ]
        relays = [relay(pk, (chance.randrange(24), 0), (chance.randrange(24), 30), klass=chance.choice(classes[:2]))
                  for pk in range(100, 100 + chance.randint(0, 3))]
        alerts = [flood(pk=pk, start=at(chance.randrange(24)), repeats=chance.randint(1, 4)) for pk in range(chance.randint(0, 2))]
        start = at(chance.randrange(24))

        result = run(bulletins=bulletins, relays=relays, alerts=alerts, rules=rules, start=start,
                     end=start + datetime.timedelta(hours=48))

        entries = result.entries
        assert entries == sorted(entries, key=lambda e: e.start)
        assert all(a.end <= b.start for a, b in zip(entries, entries[1:], strict=False))
        assert all(e.end > start and e.start < start + datetime.timedelta(hours=48) for e in entries)
        assert all(e.start.microsecond == 0 and e.end > e.start for e in entries)
        for entry in entries:
            if entry.kind == "audio" and entry.klass != "emergency":
                day = entry.start.astimezone(TZ).date()
                for offset in (-1, 0):
                    q_start = datetime.datetime.combine(day + datetime.timedelta(days=offset), rules.quiet_from, tzinfo=TZ)
                    q_end = datetime.datetime.combine(day + datetime.timedelta(days=offset), rules.quiet_until, tzinfo=TZ)
                    if q_end <= q_start:
                        q_end += datetime.timedelta(days=1)
                    assert not (entry.start < q_end and q_start < entry.end), (entry, rules)
