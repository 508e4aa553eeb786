"""The commune radio's programme, computed: what one speaker cluster plays, and when, from the bulletins,
relays and alerts that reach it and the commune's rules. Pure: dataclasses in, entries and warnings out;
the queries live in `selectors` (`device_programme`, `bulletin_warnings`).

Times are local (Asia/Ho_Chi_Minh, no daylight saving); `days` are ISO weekdays (1 Monday … 7 Sunday)
of the local start date, and no days means every day. Every play takes a whole number of seconds (its
audio's duration rounded up), so entries start and end on whole seconds.

The rules, in the order they are applied:

1. Alerts (emergency, with ready audio, `repeats` > 0): play k (0-based) at start + k × (duration + gap),
   for k < repeats while before the alert expires. Two alerts' plays that overlap are serialised. They
   ignore quiet hours and interrupt everything: relays are split around them, bulletins move after them.
2. Relays: each day's window (an end before the start runs past midnight; `days` name the day it
   starts), inside the relay's validity, cut to outside quiet hours. A relay of a higher class keeps the
   time two relays share; of the same class, the one starting first.
3. Bulletins: each slot on each of its days, then its repeats at slot + k × (duration + gap), each
   starting inside [valid_from, valid_until). The audio is the version in the cluster's language when it
   has ready audio, else the bulletin's own; a bulletin with neither is not scheduled ("no_audio").
   Plays are placed in time order; when several wait for the speaker, the first by (class rank:
   emergency < priority < routine, display_order, pk) goes first and the others move to when it ends
   ("collision"). A relay of the same or a higher class is busy time too: the bulletin moves to right
   after it ("collision"); a bulletin of a higher class plays over the relay, which is split and resumes
   after it ("relay"). A placed play must also pass these checks, or is dropped (emergencies pass the
   first two always):
   - no overlap with quiet hours ("quiet_hours");
   - a run of back-to-back audio plays no longer than `max_slot_min` from the run's start ("overrun");
   - ending by the bulletin's `valid_until` ("overrun").
"""

import datetime
import heapq
import itertools
import math
import zoneinfo
from dataclasses import dataclass, field

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
RANK = {"emergency": 0, "priority": 1, "routine": 2}
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
# Vietnamese read aloud: about 3.5 syllables (space-separated words) a second at speed 1.
SYLLABLES_PER_SECOND = 3.5


# ------------------------------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class Audio:
    """A ready MP3: its asset id (`sha256:…`), length and language. `estimated`: no audio yet, the length
    is guessed from the text (only for the admin's checks; never sent to devices)."""

    asset_id: str
    duration_s: float
    language: str = "vi"
    estimated: bool = False

    @property
    def span(self) -> datetime.timedelta:
        """The time it occupies: its duration rounded up to whole seconds (at least one)."""
        return datetime.timedelta(seconds=max(1, math.ceil(self.duration_s - 1e-6)))


@dataclass
class Bulletin:
    pk: int
    title: str
    klass: str
    slots: tuple[datetime.time, ...]
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    audio: Audio | None = None  # in the bulletin's own language
    versions: dict[str, Audio] = field(default_factory=dict)  # ready audio of its other languages
    days: tuple[int, ...] = ()
    display_order: int = 0
    repeats: int = 1
    gap_min: int = 0

    @property
    def item_id(self) -> str:
        return f"bulletin-{self.pk}"

    def audio_for(self, language: str) -> Audio | None:
        return self.versions.get(language) or self.audio


@dataclass
class Relay:
    pk: int
    name: str
    stream_url: str
    start: datetime.time
    end: datetime.time
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None = None
    klass: str = "routine"
    days: tuple[int, ...] = ()

    @property
    def item_id(self) -> str:
        return f"relay-{self.pk}"


@dataclass
class Alert:
    pk: int
    title: str
    start: datetime.datetime  # effective, or sent
    expires: datetime.datetime
    audio: Audio | None = None
    repeats: int = 3
    gap_min: int = 10

    @property
    def item_id(self) -> str:
        return f"alert-{self.pk}"


@dataclass(frozen=True)
class Rules:
    quiet_from: datetime.time = datetime.time(21, 30)
    quiet_until: datetime.time = datetime.time(5, 30)
    max_slot_min: int = 30

    @property
    def max_slot(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.max_slot_min)


DEFAULT_RULES = Rules()  # a commune that has not saved its radio settings


# ----------------------------------------------------------------------------------------- outputs


@dataclass
class Entry:
    """One play of an audio, or one stretch of a relay: what the speaker does from `start` to `end`."""

    item_id: str
    start: datetime.datetime
    end: datetime.datetime
    kind: str  # "audio" | "relay"
    klass: str
    title: str = ""
    asset_id: str = ""
    stream_url: str = ""
    language: str | None = None
    repeat: int | None = None  # 1-based, audio
    of: int | None = None
    resumes: bool = False  # a relay going on after an interruption


@dataclass(frozen=True)
class Warning:  # the admin's name for it (this module issues no Python warnings)
    """Something the admin shows before approval: `kind` is collision, overrun, quiet_hours, no_audio or
    relay; `item_id` the item that suffers it, `other_id` the one that causes it (when there is one)."""

    kind: str
    item_id: str
    at: datetime.datetime
    message: str
    other_id: str = ""
    device_id: int | None = None
    device_name: str = ""


@dataclass
class Programme:
    entries: list[Entry]
    warnings: list[Warning]


# ----------------------------------------------------------------------------------------- helpers


def local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(TZ)


def hhmm(moment: datetime.datetime) -> str:
    """07:12, or 07:12:30 when not on a whole minute."""
    moment = local(moment)
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time.replace(microsecond=0, tzinfo=None), tzinfo=TZ)


def local_days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += DAY


def daily_window(day: datetime.date, start: datetime.time, end: datetime.time):
    """[start, end) on `day`; an end at or before the start is on the next day."""
    begins = at(day, start)
    ends = at(day, end)
    return begins, ends + DAY if ends <= begins else ends


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def subtract(start, end, holes) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """[start, end) minus the intervals `holes` (sorted or not): the pieces left, in order."""
    pieces = [(start, end)]
    for hole_start, hole_end in sorted(holes):
        kept = []
        for s, e in pieces:
            if not overlaps(s, e, hole_start, hole_end):
                kept.append((s, e))
                continue
            if s < hole_start:
                kept.append((s, hole_start))
            if hole_end < e:
                kept.append((hole_end, e))
        pieces = kept
    return pieces


def quiet_intervals(rules: Rules, first: datetime.date, last: datetime.date):
    return [daily_window(day, rules.quiet_from, rules.quiet_until) for day in local_days(first - DAY, last + DAY)]


def estimate_duration_s(text: str, speed: float = 1.0) -> float:
    """How long the commune's engine will take to read `text`, roughly (before its audio is made)."""
    return max(1.0, len(text.split()) / SYLLABLES_PER_SECOND / max(speed, 0.1))


def runs_on(days, day: datetime.date) -> bool:
    return not days or day.isoweekday() in days


@dataclass(eq=False)
class _Play:
    """A bulletin play waiting for its place."""

    bulletin: Bulletin
    audio: Audio
    wanted: datetime.datetime  # the time the rules give it
    k: int  # 0-based repeat
    not_before: datetime.datetime  # moves later when something is in its way
    blocker: tuple[str, str] | None = None  # (item id, what to call it) of what moved it last

    @property
    def order(self):
        b = self.bulletin
        return (RANK.get(b.klass, 2), b.display_order, b.pk, self.wanted, self.k)


@dataclass
class _Busy:
    start: datetime.datetime
    end: datetime.datetime
    item_id: str
    label: str
    rank: int  # relays block bulletins of this rank or lower (a larger number); alerts block all (-1)
    is_relay: bool = False


# --------------------------------------------------------------------------------------- the rules


def programme(*, bulletins=(), relays=(), alerts=(), rules: Rules = DEFAULT_RULES, language: str = "vi",
              start: datetime.datetime, end: datetime.datetime, now: datetime.datetime | None = None) -> Programme:
    """The entries a cluster whose village speaks `language` plays in [start, end) (an entry already
    playing at `start` included), sorted, never overlapping; and the warnings about that time.

    Plays are simulated from two days before `start`, so a repeat or a move that began earlier lands
    where it would have; alert plays that ended before `now` are left out."""
    now = now or start
    warnings: list[Warning] = []
    first_day = local(start).date() - 2 * DAY
    last_day = local(end).date()
    horizon = at(first_day, datetime.time(0))
    quiet = quiet_intervals(rules, first_day, last_day)

    def in_quiet(s, e):
        return next((q for q in quiet if overlaps(s, e, *q)), None)

    # 1. Alerts: fixed times, serialised among themselves.
    alert_entries: list[Entry] = []
    wanted = []
    for index, alert in enumerate(alerts):
        if alert.repeats <= 0:
            continue
        if alert.audio is None:
            warnings.append(Warning("no_audio", alert.item_id, max(alert.start, start),
                                    f"Cảnh báo “{alert.title}” chưa có âm thanh: chưa phát được trên loa."))
            continue
        base = alert.start.replace(microsecond=0)
        step = alert.audio.span + datetime.timedelta(minutes=alert.gap_min)
        times = [base + k * step for k in range(alert.repeats)]
        times = [t for t in times if t < alert.expires]
        wanted += [(t, index, k, len(times), alert) for k, t in enumerate(times)]
    free = None
    for t, _, k, count, alert in sorted(wanted, key=lambda w: w[:3]):
        s = t if free is None else max(t, free)
        free = s + alert.audio.span
        alert_entries.append(Entry(alert.item_id, s, free, "audio", "emergency", alert.title,
                                   asset_id=alert.audio.asset_id, language=alert.audio.language,
                                   repeat=k + 1, of=count))

    # 2. Relays: daily windows in validity, out of quiet hours, higher class first.
    occurrences = []
    for relay in relays:
        for day in local_days(first_day, last_day):
            if not runs_on(relay.days, day):
                continue
            s, e = daily_window(day, relay.start, relay.end)
            s, e = max(s, relay.valid_from), min(e, relay.valid_until) if relay.valid_until else e
            if s >= e or e <= horizon:
                continue
            pieces = subtract(s, e, quiet)
            if len(pieces) != 1 or pieces[0] != (s, e):
                kept = ", ".join(f"{hhmm(a)}–{hhmm(b)}" for a, b in pieces) or "không còn giờ nào"
                warnings.append(Warning("quiet_hours", relay.item_id, s,
                                        f"Tiếp âm “{relay.name}” trùng giờ yên tĩnh "
                                        f"({rules.quiet_from:%H:%M}–{rules.quiet_until:%H:%M}): chỉ phát {kept}."))
            if pieces:
                occurrences.append((RANK.get(relay.klass, 2), s, relay.pk, relay, pieces))
    relay_pieces = []  # (relay, occurrence number, start, end)
    taken: list[_Busy] = []
    for number, (rank, s, _, relay, pieces) in enumerate(sorted(occurrences, key=lambda o: o[:3])):
        clashes = [b for b in taken if any(overlaps(a, z, b.start, b.end) for a, z in pieces)]
        if clashes:
            other = clashes[0]
            warnings.append(Warning("relay", relay.item_id, s,
                                    f"Tiếp âm “{relay.name}” trùng giờ với tiếp âm “{other.label}”: "
                                    f"bỏ phần trùng ({hhmm(other.start)}–{hhmm(other.end)}).",
                                    other_id=other.item_id))
            pieces = [p for a, z in pieces for p in subtract(a, z, [(b.start, b.end) for b in clashes])]
        for a, z in pieces:
            relay_pieces.append((relay, number, a, z))
            taken.append(_Busy(a, z, relay.item_id, relay.name, rank, is_relay=True))

    # 3. Bulletins: placed in time order around the alerts and the relays they may not interrupt.
    busy = [_Busy(e.start, e.end, e.item_id, e.title, -1) for e in alert_entries] + taken
    busy.sort(key=lambda b: b.start)
    pending: list = []
    counter = itertools.count()
    for bulletin in bulletins:
        audio = bulletin.audio_for(language)
        if audio is None:
            warnings.append(Warning("no_audio", bulletin.item_id, max(bulletin.valid_from, start),
                                    f"Bản tin “{bulletin.title}” chưa có âm thanh: chưa được xếp lịch phát."))
            continue
        step = audio.span + datetime.timedelta(minutes=bulletin.gap_min)
        for day in local_days(first_day, last_day):
            if not runs_on(bulletin.days, day):
                continue
            for slot in bulletin.slots:
                base = at(day, slot)
                for k in range(bulletin.repeats):
                    t = base + k * step
                    if bulletin.valid_from <= t < bulletin.valid_until and horizon <= t < end:
                        heapq.heappush(pending, (t, next(counter), _Play(bulletin, audio, t, k, t)))

    placed: list[Entry] = []
    ends: dict[datetime.datetime, datetime.datetime] = {e.end: e.start for e in alert_entries}  # audio runs
    # What ends when, to name what a moved play waited for: (item id, how a message calls it).
    finished: dict[datetime.datetime, tuple[str, str]] = {e.end: (e.item_id, f"“{e.title}”") for e in alert_entries}
    for relay, _, _, z in relay_pieces:
        finished.setdefault(z, (relay.item_id, f"tiếp âm “{relay.name}”"))
    ready: list = []
    clock = horizon
    free_at = horizon
    while pending or ready:
        clock = max(clock, free_at)
        if not ready:
            clock = max(clock, pending[0][0])
        while pending and pending[0][0] <= clock:
            _, _, play = heapq.heappop(pending)
            heapq.heappush(ready, (play.order, next(counter), play))
        _, _, play = heapq.heappop(ready)
        bulletin, span = play.bulletin, play.audio.span
        rank = RANK.get(bulletin.klass, 2)
        t = clock
        blocker = next((b for b in busy if overlaps(t, t + span, b.start, b.end) and rank >= b.rank), None)
        if blocker is not None:
            play.not_before = blocker.end
            play.blocker = (blocker.item_id, f"tiếp âm “{blocker.label}”" if blocker.is_relay else f"“{blocker.label}”")
            heapq.heappush(pending, (play.not_before, next(counter), play))
            continue
        finish = t + span
        emergency = rank == RANK["emergency"]
        dropped = None
        if not emergency and (q := in_quiet(t, finish)):
            dropped = Warning("quiet_hours", bulletin.item_id, t,
                              f"“{bulletin.title}” lúc {hhmm(t)} rơi vào giờ yên tĩnh "
                              f"({hhmm(q[0])}–{hhmm(q[1])}): bỏ lượt phát này.")
        if dropped is None and not emergency:
            run_start = t
            while run_start in ends:
                run_start = ends[run_start]
            if finish > run_start + rules.max_slot:
                dropped = Warning("overrun", bulletin.item_id, t,
                                  f"“{bulletin.title}” lúc {hhmm(t)} làm lượt phát bắt đầu {hhmm(run_start)} dài "
                                  f"quá {rules.max_slot_min} phút: bỏ lượt phát này.")
        if dropped is None and finish > bulletin.valid_until:
            dropped = Warning("overrun", bulletin.item_id, t,
                              f"“{bulletin.title}” lúc {hhmm(t)} kết thúc sau hạn phát "
                              f"({local(bulletin.valid_until):%H:%M %d/%m}): bỏ lượt phát này.")
        if dropped is not None:
            warnings.append(dropped)
            continue
        if t > play.wanted:
            other_id, label = finished.get(t) or play.blocker or ("", "nội dung khác")
            warnings.append(Warning("collision", bulletin.item_id, t,
                                    f"Trùng giờ với {label}: lùi từ {hhmm(play.wanted)} sang {hhmm(t)}.",
                                    other_id=other_id))
        entry = Entry(bulletin.item_id, t, finish, "audio", bulletin.klass, bulletin.title,
                      asset_id=play.audio.asset_id, language=play.audio.language, repeat=play.k + 1,
                      of=bulletin.repeats)
        placed.append(entry)
        ends[finish] = t
        finished[finish] = (bulletin.item_id, f"“{bulletin.title}”")
        free_at = finish

    # Relays give way to alerts and to bulletins of a higher class, and resume after them.
    relay_entries: list[Entry] = []
    by_occurrence: dict[int, list[Entry]] = {}
    for relay, number, a, z in relay_pieces:
        rank = RANK.get(relay.klass, 2)
        over = [e for e in itertools.chain(alert_entries, placed)
                if overlaps(a, z, e.start, e.end) and RANK.get(e.klass, 2) < rank]
        for e in over:
            warnings.append(Warning("relay", relay.item_id, e.start,
                                    f"“{e.title}” ngắt tiếp âm “{relay.name}” lúc {hhmm(e.start)}; "
                                    f"tiếp âm tiếp tục lúc {hhmm(e.end)}.", other_id=e.item_id))
        for s, e in subtract(a, z, [(x.start, x.end) for x in over]):
            if e - s >= SECOND:
                parts = by_occurrence.setdefault(number, [])
                entry = Entry(relay.item_id, s, e, "relay", relay.klass, relay.name, stream_url=relay.stream_url,
                              resumes=bool(parts))
                parts.append(entry)
                relay_entries.append(entry)

    entries = [
        e for e in itertools.chain(alert_entries, placed, relay_entries)
        if e.end > start and e.start < end and (e.kind != "audio" or not e.item_id.startswith("alert-") or e.end > now)
    ]
    entries.sort(key=lambda e: (e.start, e.end))
    warnings = [w for w in warnings if start <= w.at < end]
    warnings.sort(key=lambda w: (w.at, w.item_id, w.kind))
    return Programme(entries, warnings)


def bulletin_warnings(bulletin, day: datetime.date) -> list[Warning]:
    """The warnings a bulletin (as edited) would cause or suffer on its commune's speaker clusters on the
    local `day`, for the admin's check before approval. It reads the database: the work is
    `selectors.bulletin_warnings`, imported here when called (the rest of this module stays pure)."""
    from broadcasts import selectors

    return selectors.bulletin_warnings(bulletin, day)
