/* The board player: plays a device's snapshot from the device API (/api/devices/v1/) on a kiosk screen.
 *
 * - Credentials come from the address's fragment (#device=17&token=…), which never reaches the server;
 *   they move to localStorage and leave the address bar at once.
 * - Polls the snapshot (every poll_interval_s, or at next_check_at if sooner) and the alerts (every
 *   alerts_poll_interval_s) with If-None-Match; backs off exponentially with jitter on errors and
 *   honours Retry-After. A heartbeat follows every snapshot poll; proof-of-play records are batched
 *   and kept in localStorage until the server has them.
 * - Every decision about time (validity, recurrence, alert expiry) uses the local clock corrected by the
 *   server's `now`.
 * - Keeps the last snapshot and alerts in localStorage and media in the Cache API; the service worker
 *   (sw.js) serves the page, this script, the style sheet and the media when the network is gone.
 *
 * Plain JavaScript, no build step, no dependency. Text is only ever set with textContent.
 */
(function () {
  "use strict";

  var APP_VERSION = "bang-tin-1";
  var PREFIX = "bang-tin:";
  var MEDIA_CACHE = "bang-tin-media";
  var DEFAULT_TZ = "Asia/Ho_Chi_Minh";
  var ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
  var CLASS_RANK = { emergency: 0, priority: 1, routine: 2 };
  var SEVERITY_RANK = { Extreme: 0, Severe: 1, Moderate: 2, Minor: 3, Unknown: 4 };
  var URGENCY_RANK = { Immediate: 0, Expected: 1, Future: 2, Past: 3, Unknown: 4 };
  var SEVERITY_VI = {
    Extreme: "Đặc biệt nghiêm trọng", Severe: "Nghiêm trọng", Moderate: "Trung bình", Minor: "Nhẹ", Unknown: "Chưa rõ",
  };
  var URGENCY_VI = {
    Immediate: "cần hành động ngay", Expected: "trong giờ tới", Future: "sắp tới", Past: "đã qua", Unknown: "chưa rõ",
  };
  var CLASS_VI = { priority: "Ưu tiên", emergency: "Khẩn cấp" };
  var WEEKDAY = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
  var WEEKDAY_VI = { 1: "Thứ Hai", 2: "Thứ Ba", 3: "Thứ Tư", 4: "Thứ Năm", 5: "Thứ Sáu", 6: "Thứ Bảy", 7: "Chủ Nhật" };
  var ALERT_PAGE_S = 15;      // how long one alert (one language of it) stays before the next
  var LED_MAX_SCROLL_S = 60;  // an LED item stays until its text has scrolled by once, up to this
  var MAX_PLAYS_KEPT = 5000;
  var MAX_ERRORS_KEPT = 20;
  var PLAYS_BATCH = 500;
  var REQUEST_TIMEOUT_MS = 20000;

  // ------------------------------------------------------------------------------------- storage

  function load(name, fallback) {
    try {
      var raw = window.localStorage.getItem(PREFIX + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function save(name, value) {
    try {
      window.localStorage.setItem(PREFIX + name, JSON.stringify(value));
    } catch (e) {
      noteError("storage_failed", "Không lưu được dữ liệu vào bộ nhớ trình duyệt: " + e);
    }
  }

  function forget(name) {
    try { window.localStorage.removeItem(PREFIX + name); } catch (e) { /* nothing kept, nothing to drop */ }
  }

  // --------------------------------------------------------------------------------------- clock

  var offsetMs = Number(load("offset", 0)) || 0;
  var offsetBounds = null;  // [lowest, highest] offset the answers so far allow, and when (local ms)

  function now() {
    return Date.now() + offsetMs;
  }

  /* The server's clock is the truth. An answer stamped S (whole seconds: the server's time was in
     [S, S + 1 s)) that left between `sentAt` and `receivedAt` (local) bounds the offset to
     [S − receivedAt, S + 1 s − sentAt]. Successive answers narrow the bounds (each widened by 100 ppm
     of drift since the last); bounds that no longer meet mean a clock jumped: start again. The offset
     used is the middle of the bounds. */
  function learnClock(serverTime, sentAt, receivedAt) {
    var server = Date.parse(serverTime || "");
    if (isNaN(server)) return;
    var fraction = /\.\d+/.test(serverTime) ? 0 : 1000;
    var lo = server - receivedAt;
    var hi = server + fraction - sentAt;
    if (offsetBounds) {
      var drift = Math.abs(receivedAt - offsetBounds[2]) / 10000;
      var keptLo = Math.max(lo, offsetBounds[0] - drift);
      var keptHi = Math.min(hi, offsetBounds[1] + drift);
      if (keptLo <= keptHi) {
        lo = keptLo;
        hi = keptHi;
      }
    }
    offsetBounds = [lo, hi, receivedAt];
    offsetMs = Math.round((lo + hi) / 2);
    save("offset", offsetMs);
  }

  var formatters = {};

  /* Wall-clock parts of an instant in a time zone (default Asia/Ho_Chi_Minh, UTC+7 all year). */
  function wall(ms, tz) {
    tz = tz || DEFAULT_TZ;
    if (!(tz in formatters)) {
      try {
        formatters[tz] = new Intl.DateTimeFormat("en-US", {
          timeZone: tz, hourCycle: "h23", weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit", second: "2-digit",
        });
      } catch (e) {
        formatters[tz] = null;
      }
    }
    var f = formatters[tz];
    if (!f) {  // no time-zone data: Vietnam's fixed offset
      var d = new Date(ms + 7 * 3600 * 1000);
      return {
        isoDay: d.getUTCDay() === 0 ? 7 : d.getUTCDay(), minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
        year: d.getUTCFullYear(), month: pad(d.getUTCMonth() + 1), day: pad(d.getUTCDate()),
        hour: pad(d.getUTCHours()), minute: pad(d.getUTCMinutes()),
      };
    }
    var p = {};
    f.formatToParts(new Date(ms)).forEach(function (part) { p[part.type] = part.value; });
    var hour = Number(p.hour) % 24;
    return {
      isoDay: WEEKDAY[p.weekday], minutes: hour * 60 + Number(p.minute),
      year: Number(p.year), month: p.month, day: p.day, hour: pad(hour), minute: p.minute,
    };
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function timezone() {
    return (state.snapshot && state.snapshot.timezone) || DEFAULT_TZ;
  }

  function formatDateTime(iso) {
    var ms = Date.parse(iso || "");
    if (isNaN(ms)) return "";
    var w = wall(ms, timezone());
    return w.hour + ":" + w.minute + " " + w.day + "/" + w.month + "/" + w.year;
  }

  // ----------------------------------------------------------------------- what may play, and when

  function minutesOf(hhmm) {
    var m = /^(\d{1,2}):(\d{2})/.exec(hhmm || "");
    return m ? Number(m[1]) * 60 + Number(m[2]) : null;
  }

  /* Days are ISO (1 = Monday … 7 = Sunday), empty = every day. Time windows are wall-clock times in the
     snapshot's zone, empty = all day; a window whose end is before its start runs past midnight and
     belongs to the day it starts on. */
  function inRecurrence(recurrence, ms, tz) {
    if (!recurrence) return true;
    var days = Array.isArray(recurrence.days) && recurrence.days.length ? recurrence.days : ALL_DAYS;
    var windows = Array.isArray(recurrence.time_windows) ? recurrence.time_windows : [];
    var w = wall(ms, tz);
    var today = days.indexOf(w.isoDay) !== -1;
    if (!windows.length) return today;
    var yesterday = days.indexOf(w.isoDay === 1 ? 7 : w.isoDay - 1) !== -1;
    return windows.some(function (win) {
      var from = minutesOf(win.from);
      var to = minutesOf(win.to);
      if (from === null || to === null) return false;
      if (from < to) return today && w.minutes >= from && w.minutes < to;
      if (from === to) return today;
      return (today && w.minutes >= from) || (yesterday && w.minutes < to);
    });
  }

  function inValidity(item, ms) {
    var from = Date.parse(item.valid_from || "");
    var until = Date.parse(item.valid_until || item.expires || "");
    return (isNaN(from) || from <= ms) && (isNaN(until) || ms < until);
  }

  function eligible(item, ms, tz) {
    return inValidity(item, ms) && inRecurrence(item.recurrence, ms, tz);
  }

  function rankOf(item) {
    return typeof item.rank === "number" ? item.rank : (CLASS_RANK[item["class"]] !== undefined ? CLASS_RANK[item["class"]] : 2);
  }

  function compareItems(a, b) {
    return (rankOf(a) - rankOf(b)) || ((a.display_order || 0) - (b.display_order || 0))
      || ((Date.parse(a.valid_from || "") || 0) - (Date.parse(b.valid_from || "") || 0))
      || String(a.id).localeCompare(String(b.id));
  }

  /* CAP practice: the most severe first, then the most urgent, then the newest. */
  function compareAlerts(a, b) {
    var sa = SEVERITY_RANK[a.severity] !== undefined ? SEVERITY_RANK[a.severity] : 4;
    var sb = SEVERITY_RANK[b.severity] !== undefined ? SEVERITY_RANK[b.severity] : 4;
    var ua = URGENCY_RANK[a.urgency] !== undefined ? URGENCY_RANK[a.urgency] : 4;
    var ub = URGENCY_RANK[b.urgency] !== undefined ? URGENCY_RANK[b.urgency] : 4;
    return (sa - sb) || (ua - ub) || ((Date.parse(b.sent || "") || 0) - (Date.parse(a.sent || "") || 0))
      || String(a.id).localeCompare(String(b.id));
  }

  function isTakeover(item) {
    return item.type === "alert" || item.layout_slot === "takeover" || item["class"] === "emergency";
  }

  /* The rotation: notices for the main slot that may play now, in order. */
  function rotation(ms) {
    var snapshot = state.snapshot;
    if (!snapshot || !Array.isArray(snapshot.items)) return [];
    var tz = timezone();
    return snapshot.items
      .filter(function (item) { return item.type !== "alert" && !isTakeover(item) && eligible(item, ms, tz); })
      .sort(compareItems);
  }

  /* What takes the whole screen now: active alerts (the alerts endpoint is the authority on them once
     it has answered after the snapshot), then emergency notices of the snapshot. */
  function takeovers(ms) {
    var tz = timezone();
    var alerts = [];
    var seen = {};
    var alertsBody = state.alerts;
    if (alertsBody && Array.isArray(alertsBody.alerts)) {
      alertsBody.alerts.forEach(function (item) { seen[item.id] = true; alerts.push(item); });
    }
    var notices = [];
    var snapshot = state.snapshot;
    if (snapshot && Array.isArray(snapshot.items)) {
      var snapshotIsNewer = !alertsBody || state.snapshotAt > state.alertsAt;
      snapshot.items.forEach(function (item) {
        if (!isTakeover(item) || seen[item.id]) return;
        if (item.type === "alert") {
          if (snapshotIsNewer) alerts.push(item);
        } else {
          notices.push(item);
        }
      });
    }
    alerts = alerts.filter(function (item) { return item.type !== "notice" ? inValidity(item, ms) : eligible(item, ms, tz); });
    notices = notices.filter(function (item) { return eligible(item, ms, tz); });
    var notice = alerts.filter(function (item) { return item.type === "notice"; });
    alerts = alerts.filter(function (item) { return item.type !== "notice"; }).sort(compareAlerts);
    return alerts.concat(notice.concat(notices).sort(compareItems));
  }

  /* One screen per language of an alert (Vietnamese first), one per emergency notice. */
  function takeoverPages(items) {
    var pages = [];
    items.forEach(function (item, index) {
      if (item.type === "alert") {
        pages.push({ key: item.id + "@vi", item: item, lang: item.language || "vi", text: item, index: index });
        (item.translations || []).forEach(function (t) {
          pages.push({ key: item.id + "@" + t.language, item: item, lang: t.language, text: t, index: index });
        });
      } else {
        pages.push({ key: item.id, item: item, lang: item.language || "vi", text: item, index: index });
      }
    });
    return pages;
  }

  // -------------------------------------------------------------------------------------- state

  var body = document.body;
  var API = body.dataset.api || "/api/devices/v1/";
  var state = {
    credentials: null,
    snapshot: null, snapshotEtag: null, snapshotAt: 0, snapshotCheckedAt: 0,
    alerts: null, alertsEtag: null, alertsAt: 0,
    showing: null,       // {mode, key, item, startedAt, endsAt, itemStartedAt}
    lastRotationItem: null,
    online: true,
    problem: "",
    failures: { snapshot: 0, alerts: 0 },
    missingAssets: [],
    startedAt: Date.now(),
  };

  function restore() {
    var credentials = state.credentials;
    var snapshot = load("snapshot", null);
    if (snapshot && snapshot.body && String(snapshot.body.device_id) === String(credentials.device)) {
      state.snapshot = snapshot.body;
      state.snapshotEtag = snapshot.etag;
      state.snapshotAt = snapshot.at || 0;
    }
    var alerts = load("alerts", null);
    if (alerts && alerts.body && String(alerts.body.device_id) === String(credentials.device)) {
      state.alerts = alerts.body;
      state.alertsEtag = alerts.etag;
      state.alertsAt = alerts.at || 0;
    }
  }

  /* #device=17&token=… → localStorage, then out of the address bar (and so out of bookmarks, the
     history list and screenshots). A different device id drops everything kept for the previous one. */
  function readCredentials() {
    var hash = window.location.hash.replace(/^#/, "");
    if (hash) {
      var params = new URLSearchParams(hash);
      var device = params.get("device");
      var token = params.get("token");
      if (device && token && /^\d+$/.test(device)) {
        var previous = load("credentials", null);
        if (!previous || String(previous.device) !== device) {
          ["snapshot", "alerts", "plays", "errors"].forEach(forget);
        }
        save("credentials", { device: device, token: token });
      }
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    var stored = load("credentials", null);
    return stored && stored.device && stored.token ? stored : null;
  }

  // ------------------------------------------------------------------------------------ network

  function HttpError(status, code, message, retryAfterMs) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.retryAfterMs = retryAfterMs;
  }

  function retryAfter(response) {
    var value = response.headers.get("Retry-After");
    if (!value) return null;
    var seconds = Number(value);
    if (!isNaN(seconds)) return Math.max(0, seconds * 1000);
    var at = Date.parse(value);
    return isNaN(at) ? null : Math.max(0, at - Date.now());
  }

  function call(method, path, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + state.credentials.token, Accept: "application/json" };
    if (options.etag) headers["If-None-Match"] = options.etag;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var sentAt = Date.now();
    return fetch(API + path, {
      method: method, headers: headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      var receivedAt = Date.now();
      setOnline(true);
      if (response.status === 304) return { status: 304, response: response, sentAt: sentAt, receivedAt: receivedAt };
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (error) {
          throw new HttpError(response.status, error.error || "http_" + response.status,
            error.message || "HTTP " + response.status, retryAfter(response));
        });
      }
      return response.json().then(function (data) {
        return { status: response.status, response: response, data: data, sentAt: sentAt, receivedAt: receivedAt };
      });
    }, function (error) {
      if (timer) clearTimeout(timer);
      setOnline(false);
      throw new HttpError(0, "network", "Không kết nối được máy chủ (" + (error && error.name) + ")", null);
    });
  }

  /* Exponential backoff with jitter (half to all of the step), Retry-After first. */
  function backoff(kind, error, capMs) {
    state.failures[kind] += 1;
    if (error.retryAfterMs !== null && error.retryAfterMs !== undefined) {
      return error.retryAfterMs + Math.random() * 1000;
    }
    var step = Math.min(capMs, 5000 * Math.pow(2, state.failures[kind] - 1));
    return step / 2 + Math.random() * step / 2;
  }

  function handleAuthProblem(error) {
    if (error.status === 401) {
      state.problem = "Mã truy cập của bảng tin không hợp lệ hoặc đã bị thu hồi. Đang phát nội dung đã lưu.";
    } else if (error.status === 403) {
      state.problem = "Mã truy cập không thuộc thiết bị này. Đang phát nội dung đã lưu.";
    }
  }

  function pollIntervalMs() {
    return ((state.snapshot && state.snapshot.poll_interval_s) || 300) * 1000;
  }

  function alertsIntervalMs() {
    var s = (state.alerts && state.alerts.poll_interval_s) || (state.snapshot && state.snapshot.alerts_poll_interval_s) || 30;
    return s * 1000;
  }

  var snapshotTimer = null;
  var alertsTimer = null;

  function pollSnapshot() {
    clearTimeout(snapshotTimer);
    var device = state.credentials.device;
    return call("GET", "devices/" + device + "/snapshot", { etag: state.snapshotEtag }).then(function (result) {
      state.failures.snapshot = 0;
      state.problem = "";
      if (result.status === 304) {
        learnClock(result.response.headers.get("Date"), result.sentAt, result.receivedAt);
      } else {
        var data = result.data;
        if (!data || String(data.schema || "").indexOf("vn-portal-device-feed/1") !== 0 || String(data.device_id) !== String(device)) {
          throw new HttpError(200, "bad_snapshot", "Lịch phát nhận được không đúng định dạng", null);
        }
        learnClock(data.now, result.sentAt, result.receivedAt);
        state.snapshot = data;
        state.snapshotEtag = result.response.headers.get("ETag");
        state.snapshotAt = Date.now();
        save("snapshot", { body: data, etag: state.snapshotEtag, at: state.snapshotAt });
        applyLayout();
        cacheAssets(data);
      }
      state.snapshotCheckedAt = now();
      var delay = pollIntervalMs();
      var next = Date.parse((state.snapshot && state.snapshot.next_check_at) || "");
      if (result.status !== 304 && !isNaN(next)) delay = Math.min(delay, Math.max(2000, next - now()));
      snapshotTimer = setTimeout(pollSnapshot, delay);
      tick();
      return heartbeat();
    }, function (error) {
      handleAuthProblem(error);
      noteError(error.code, error.message);
      snapshotTimer = setTimeout(pollSnapshot, backoff("snapshot", error, pollIntervalMs()));
      tick();
      if (error.status) return heartbeat();  // the server answered: it can hear about the problem
      return null;
    });
  }

  function pollAlerts() {
    clearTimeout(alertsTimer);
    var device = state.credentials.device;
    return call("GET", "devices/" + device + "/alerts", { etag: state.alertsEtag }).then(function (result) {
      state.failures.alerts = 0;
      if (result.status === 304) {
        learnClock(result.response.headers.get("Date"), result.sentAt, result.receivedAt);
      } else {
        var data = result.data;
        if (!data || !Array.isArray(data.alerts) || String(data.device_id) !== String(device)) {
          throw new HttpError(200, "bad_alerts", "Danh sách cảnh báo nhận được không đúng định dạng", null);
        }
        learnClock(data.now, result.sentAt, result.receivedAt);
        state.alerts = data;
        state.alertsEtag = result.response.headers.get("ETag");
      }
      state.alertsAt = Date.now();
      save("alerts", { body: state.alerts, etag: state.alertsEtag, at: state.alertsAt });
      alertsTimer = setTimeout(pollAlerts, alertsIntervalMs());
      tick();
    }, function (error) {
      handleAuthProblem(error);
      noteError(error.code, error.message);
      alertsTimer = setTimeout(pollAlerts, backoff("alerts", error, Math.max(alertsIntervalMs(), 60000)));
      tick();
    });
  }

  function noteError(code, message) {
    var errors = load("errors", []);
    errors.push({ code: String(code).slice(0, 64), message: String(message).slice(0, 300), at: new Date(now()).toISOString() });
    save("errors", errors.slice(-MAX_ERRORS_KEPT));
  }

  function storage() {
    if (!navigator.storage || !navigator.storage.estimate) return Promise.resolve(null);
    return navigator.storage.estimate().then(function (e) {
      return { free_bytes: Math.max(0, (e.quota || 0) - (e.usage || 0)), total_bytes: e.quota || 0 };
    }, function () { return null; });
  }

  function heartbeat() {
    var showing = state.showing;
    var errors = load("errors", []);
    return storage().then(function (space) {
      var report = {
        status: !state.snapshot ? "error" : (errors.length || state.missingAssets.length ? "degraded" : "ok"),
        app_version: APP_VERSION,
        uptime_s: Math.round((Date.now() - state.startedAt) / 1000),
        clock_offset_s: Math.round(offsetMs / 100) / 10,
        network: { online: navigator.onLine, type: (navigator.connection && navigator.connection.effectiveType) || null },
        missing_assets: state.missingAssets.slice(0, 100),
        errors: errors,
      };
      if (state.snapshot) report.snapshot_revision = String(state.snapshot.revision);
      if (state.alerts) report.alerts_revision = String(state.alerts.revision);
      if (space) report.storage = space;
      if (showing && showing.item) {
        report.current_item = {
          id: showing.item.id, revision: showing.item.revision, started_at: new Date(showing.itemStartedAt).toISOString(),
        };
      }
      return call("POST", "devices/" + state.credentials.device + "/heartbeat", { body: report });
    }).then(function (result) {
      if (result.data && result.data.now) learnClock(result.data.now, result.sentAt, result.receivedAt);
      // Sent and heard: those errors are reported. (Any noted meanwhile stay for the next heartbeat.)
      save("errors", load("errors", []).slice(errors.length));
      return sendPlays();
    }, function () { return null; });
  }

  // ------------------------------------------------------------------------------ proof of play

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* The start in wall-clock time (corrected), the length on the monotonic clock: a clock correction
     during the play does not change how long it lasted. */
  function recordPlay(showing, outcome) {
    if (!showing || !showing.item) return;
    var lasted = monotonic() - showing.itemStartedMono;
    if (lasted < 1000) return;
    var endedAt = showing.itemStartedAt + lasted;
    var item = showing.item;
    var trigger = showing.mode === "alert" || item["class"] === "emergency" ? "emergency"
      : (item["class"] === "priority" ? "priority" : "scheduled");
    var record = {
      record_id: uuid(), item_id: String(item.id), "class": item["class"] || "routine", trigger: trigger,
      started_at: new Date(showing.itemStartedAt).toISOString(), ended_at: new Date(endedAt).toISOString(),
      outcome: outcome,
    };
    if (typeof item.revision === "number") record.item_revision = item.revision;
    var plays = load("plays", []);
    plays.push(record);
    save("plays", plays.slice(-MAX_PLAYS_KEPT));
  }

  var sendingPlays = false;

  function sendPlays() {
    var plays = load("plays", []);
    if (sendingPlays || !plays.length) return null;
    sendingPlays = true;
    var batch = plays.slice(0, PLAYS_BATCH);
    return call("POST", "devices/" + state.credentials.device + "/plays", { body: { records: batch } }).then(function (result) {
      var sent = {};
      batch.forEach(function (r) { sent[r.record_id] = true; });
      ((result.data && result.data.rejected) || []).forEach(function (r) {
        noteError("play_rejected", "Bản ghi phát " + r.record_id + " bị từ chối: " + JSON.stringify(r.errors).slice(0, 200));
      });
      // Accepted, duplicates (already there) and rejected (will never pass) all leave the queue.
      save("plays", load("plays", []).filter(function (r) { return !sent[r.record_id]; }));
      sendingPlays = false;
      if (plays.length > PLAYS_BATCH) return sendPlays();
      return null;
    }, function () {
      sendingPlays = false;  // kept for the next attempt
    });
  }

  // ------------------------------------------------------------------------------------ media

  function pathOf(url) {
    return new URL(url, window.location.href).pathname;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  /* Download what the snapshot lists and is not in the cache yet, check its SHA-256, keep it under its
     content-addressed path (the signature in the query string expires; the content never changes), and
     drop what the snapshot no longer lists. */
  var caching = null;

  function cacheAssets(snapshot) {
    if (!window.caches || caching) return caching;
    var assets = Array.isArray(snapshot.assets) ? snapshot.assets : [];
    var missing = [];
    caching = window.caches.open(MEDIA_CACHE).then(function (cache) {
      var wanted = {};
      return assets.reduce(function (chain, asset) {
        var path = pathOf(asset.url);
        wanted[path] = true;
        return chain.then(function () {
          return cache.match(path).then(function (hit) {
            if (hit) return null;
            return fetch(asset.url, { credentials: "omit", cache: "no-store" }).then(function (response) {
              if (!response.ok) throw new Error("HTTP " + response.status);
              var type = response.headers.get("Content-Type") || asset.mime || "application/octet-stream";
              return response.arrayBuffer().then(function (data) {
                var check = window.crypto && window.crypto.subtle && asset.sha256
                  ? window.crypto.subtle.digest("SHA-256", data).then(hex) : Promise.resolve(asset.sha256);
                return check.then(function (digest) {
                  if (asset.sha256 && digest !== asset.sha256) throw new Error("sha256 khác");
                  return cache.put(path, new Response(data, { headers: { "Content-Type": type } }));
                });
              });
            }).catch(function (e) {
              missing.push(asset.id);
              noteError("asset_failed", "Không tải được tệp " + asset.id + ": " + e.message);
            });
          });
        });
      }, Promise.resolve()).then(function () {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.map(function (request) {
            return wanted[pathOf(request.url)] ? null : cache.delete(request);
          }));
        });
      });
    }).catch(function () { /* no Cache API here (not a secure context): media load from the network */ })
      .then(function () {
        state.missingAssets = missing;
        caching = null;
      });
    return caching;
  }

  function assetUrl(item) {
    var snapshot = state.snapshot;
    if (!snapshot || isLed() || !Array.isArray(item.renditions) || !item.renditions.length) return null;
    var want = window.innerWidth * (window.devicePixelRatio || 1);
    var renditions = item.renditions.slice().sort(function (a, b) { return (a.width || 0) - (b.width || 0); });
    var chosen = renditions.filter(function (r) { return (r.width || 0) >= want; })[0] || renditions[renditions.length - 1];
    var asset = (snapshot.assets || []).filter(function (a) { return a.id === chosen.asset_id; })[0];
    return asset ? asset.url : null;
  }

  // ---------------------------------------------------------------------------------- rendering

  var screens = {
    setup: document.getElementById("setup"),
    notice: document.getElementById("notice"),
    alert: document.getElementById("alert"),
    idle: document.getElementById("idle"),
  };

  function $(section, selector) {
    return section.querySelector(selector);
  }

  function setText(element, text) {
    var target = element.querySelector(".scroll") || element;
    text = text || "";
    if (target.textContent !== text) target.textContent = text;
    element.hidden = !text;
  }

  function isLed() {
    var device = state.snapshot && state.snapshot.device;
    if (device && device.display_type === "led") return true;
    if (device && device.display_type === "lcd") return false;
    return window.innerWidth <= 320 || window.innerHeight <= 160;
  }

  function applyLayout() {
    document.documentElement.classList.toggle("led", isLed());
  }

  function showScreen(name) {
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
  }

  function renderNotice(item) {
    var section = screens.notice;
    section.lang = item.language || "vi";
    section.dataset.item = item.id;
    section.dataset["class"] = item["class"] || "routine";
    setText($(section, ".notice-title"), item.title);
    setText($(section, ".notice-text"), item.text);
    setText($(section, ".notice-issuer"), item.issuer && item.issuer.name);
    setText($(section, ".notice-class"), CLASS_VI[item["class"]] || "");
    var image = $(section, ".notice-image");
    var url = assetUrl(item);
    if (url) {
      if (image.getAttribute("src") !== url) {
        image.hidden = true;
        image.onload = function () { image.hidden = false; };
        image.onerror = function () { image.hidden = true; section.classList.remove("has-image"); };
        image.src = url;
      }
      section.classList.add("has-image");
    } else {
      image.removeAttribute("src");
      image.hidden = true;
      section.classList.remove("has-image");
    }
  }

  function renderAlert(page, position, count) {
    var section = screens.alert;
    var item = page.item;
    var text = page.text;
    section.lang = page.lang;
    section.dataset.item = item.id;
    var exercise = item.test || (item.status && item.status !== "Actual");
    section.classList.toggle("exercise", !!exercise);
    var label = item.status === "Test" ? "THỬ NGHIỆM – KHÔNG PHẢI TÌNH HUỐNG THẬT" : "DIỄN TẬP – KHÔNG PHẢI TÌNH HUỐNG THẬT";
    setText($(section, ".alert-exercise"), exercise ? label : "");
    var kind = item.type === "alert" ? (item.msg_type === "Update" ? "CẬP NHẬT CẢNH BÁO" : "CẢNH BÁO KHẨN CẤP") : "THÔNG BÁO KHẨN CẤP";
    setText($(section, ".alert-label"), kind);
    setText($(section, ".alert-count"), count > 1 ? (item.type === "alert" ? "Cảnh báo " : "Tin ") + position + "/" + count : "");
    setText($(section, ".alert-headline"), text.headline || text.title);
    setText($(section, ".alert-event"), text.event || "");
    setText($(section, ".alert-instruction"), text.instruction || "");
    setText($(section, ".alert-description"), item.type === "alert" ? text.description : text.text);
    var severity = SEVERITY_VI[item.severity] ? SEVERITY_VI[item.severity] + (URGENCY_VI[item.urgency] ? ", " + URGENCY_VI[item.urgency] : "") : "";
    setText($(section, ".alert-severity"), severity);
    var area = item.area_description || (Array.isArray(item.areas) ? item.areas.join(", ") : "");
    setText($(section, ".alert-area"), area);
    setText($(section, ".alert-sent"), formatDateTime(item.sent || item.valid_from));
    setText($(section, ".alert-expires"), formatDateTime(item.expires || item.valid_until));
    ["severity", "area", "sent", "expires"].forEach(function (name) {
      var dd = $(section, ".alert-" + name);
      dd.parentNode.hidden = dd.hidden;
    });
    setText($(section, ".alert-issuer"), item.issuer && item.issuer.name ? "Nơi phát: " + item.issuer.name : "");
  }

  function renderIdle(t) {
    var section = screens.idle;
    var defaults = (state.snapshot && state.snapshot.defaults) || {};
    setText($(section, ".idle-title"), defaults.title || "Bảng tin điện tử");
    setText($(section, ".idle-text"), defaults.text || "");
    var w = wall(t, timezone());
    setText($(section, ".idle-time"), w.hour + ":" + w.minute);
    setText($(section, ".idle-date"), WEEKDAY_VI[w.isoDay] + ", " + w.day + "/" + w.month + "/" + w.year);
  }

  function renderStatus(t) {
    var w = wall(t, timezone());
    setText(document.querySelector(".status-clock"), w.hour + ":" + w.minute + " " + w.day + "/" + w.month + "/" + w.year);
    var network = document.querySelector(".status-network");
    var message = state.problem;
    if (!state.online) {
      message = "Mất kết nối mạng – đang phát nội dung đã lưu";
      if (state.snapshotAt) {
        var saved = wall(state.snapshotAt + offsetMs, timezone());
        message += " (cập nhật lúc " + saved.hour + ":" + saved.minute + " " + saved.day + "/" + saved.month + ")";
      }
    }
    setText(network, message);
    body.classList.toggle("offline", !state.online);
  }

  function setOnline(online) {
    if (state.online === online) return;
    state.online = online;
    renderStatus(now());
  }

  /* Text wider than its line (LED strips) scrolls: how far and for how long go to CSS variables. */
  function fit(section) {
    var longest = 0;
    Array.prototype.forEach.call(section.querySelectorAll(".scroll"), function (span) {
      var line = span.parentNode;
      line.classList.remove("marquee");
      if (!isLed() || line.hidden) return;
      var overflow = span.scrollWidth - line.clientWidth;
      if (overflow > 2) {
        var seconds = Math.max(4, overflow / 40 + 3);
        line.style.setProperty("--marquee-shift", -overflow + "px");
        line.style.setProperty("--marquee-time", seconds + "s");
        line.classList.add("marquee");
        longest = Math.max(longest, seconds);
      }
    });
    return longest;
  }

  // ---------------------------------------------------------------------------------- rotation

  var tickTimer = null;

  function finish(showing, t, outcome) {
    if (showing && showing.item) recordPlay(showing, outcome);
  }

  /* How long something stays on screen is measured on the monotonic clock, so that a correction of the
     wall clock (a poll answering with the server's time) neither cuts nor stretches it. */
  function monotonic() {
    return window.performance && performance.now ? performance.now() : Date.now();
  }

  function startShowing(mode, key, item, t, seconds, continuing) {
    var previous = state.showing;
    var sameItem = continuing && previous && previous.item && item && previous.item.id === item.id;
    var started = monotonic();
    state.showing = {
      mode: mode, key: key, item: item, startedAt: started, endsAt: started + seconds * 1000,
      itemStartedAt: sameItem ? previous.itemStartedAt : t,
      itemStartedMono: sameItem ? previous.itemStartedMono : started,
    };
  }

  function extend(seconds) {
    state.showing.endsAt = Math.max(state.showing.endsAt, state.showing.startedAt + seconds * 1000);
  }

  function tick() {
    clearTimeout(tickTimer);
    if (!state.credentials) return;
    var t = now();
    var clock = monotonic();
    var showing = state.showing;
    var urgent = takeovers(t);
    var pages = takeoverPages(urgent);

    if (pages.length) {
      var at = showing && showing.mode === "alert" ? pages.map(function (p) { return p.key; }).indexOf(showing.key) : -1;
      var current = at >= 0 ? pages[at] : null;
      var updated = current && current.item.revision !== showing.item.revision;
      if (!current || updated || clock >= showing.endsAt) {
        var next = !current ? pages[0]                // a new takeover, or the one shown was cancelled
          : (updated ? current                        // an update: shown again at once
            : pages[(at + 1) % pages.length]);        // its time is up: the next one (or itself again)
        if (showing && showing.item && (showing.mode !== "alert" || next.item.id !== showing.item.id)) {
          finish(showing, t, showing.mode === "alert" && (current || !inValidity(showing.item, t)) ? "completed" : "interrupted");
        }
        var seconds = next.item.type === "alert" ? ALERT_PAGE_S : Math.max(1, next.item.duration_s || ALERT_PAGE_S);
        startShowing("alert", next.key, next.item, t, seconds, true);
        renderAlert(next, next.index + 1, urgent.length);
        showScreen("alert");
        var scroll = fit(screens.alert);
        extend(Math.min(scroll, LED_MAX_SCROLL_S));
      }
    } else {
      var list = rotation(t);
      var stillOn = showing && showing.mode === "notice" && clock < showing.endsAt
        && list.some(function (item) { return item.id === showing.item.id && item.revision === showing.item.revision; });
      if (!stillOn) {
        if (showing && showing.item) {
          var ended = clock >= showing.endsAt || (showing.mode === "alert" && !inValidity(showing.item, t));
          finish(showing, t, ended ? "completed" : "interrupted");
        }
        if (!list.length) {
          if (!showing || showing.mode !== "idle") startShowing("idle", "idle", null, t, 60, false);
          renderIdle(t);
          showScreen("idle");
          fit(screens.idle);
        } else {
          // The item after the last one shown, in the current order: an item that ended or changed
          // does not send the rotation back to the start.
          var last = state.lastRotationItem;
          var item = (last ? list.filter(function (i) { return compareItems(i, last) > 0; })[0] : null) || list[0];
          state.lastRotationItem = item;
          var duration = Math.max(1, item.duration_s || 10);
          startShowing("notice", item.id, item, t, duration, false);
          renderNotice(item);
          showScreen("notice");
          var scrollTime = fit(screens.notice);
          extend(Math.min(scrollTime, LED_MAX_SCROLL_S));
        }
      }
    }
    renderStatus(t);
    var wait = state.showing && state.showing.mode !== "idle" ? Math.min(1000, Math.max(50, state.showing.endsAt - monotonic())) : 1000;
    tickTimer = setTimeout(tick, wait);
  }

  // ------------------------------------------------------------------------------- service worker

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !body.dataset.worker) return;
    var url = body.dataset.worker + "?v=" + encodeURIComponent(body.dataset.workerVersion || "0")
      + "&shell=" + encodeURIComponent(body.dataset.shell || "") + "&media=" + encodeURIComponent(body.dataset.media || "");
    navigator.serviceWorker.register(url).catch(function (e) {
      noteError("worker_failed", "Không cài được service worker: " + e);
    });
  }

  // -------------------------------------------------------------------------------------- start

  function start() {
    state.credentials = readCredentials();
    registerWorker();
    applyLayout();
    if (!state.credentials) {
      setText(document.getElementById("setup-message"),
        "Chưa có mã thiết bị. Hãy mở trang bằng địa chỉ do quản trị viên cấp, dạng …/thiet-bi/bang-tin/#device=<số>&token=<mã>.");
      showScreen("setup");
      renderStatus(now());
      return;
    }
    restore();
    applyLayout();
    if (state.snapshot) tick();
    else setText(document.getElementById("setup-message"), "Đang tải lịch phát…");
    pollSnapshot();
    pollAlerts();
    window.addEventListener("online", function () { pollSnapshot(); pollAlerts(); });
    window.addEventListener("resize", function () {
      applyLayout();
      if (state.showing && state.showing.item) finish(state.showing, now(), "interrupted");
      state.showing = null;
      tick();
    });
  }

  // A few pure functions, for the browser tests of the schedule rules.
  window.BoardPlayer = { inRecurrence: inRecurrence, eligible: eligible, compareAlerts: compareAlerts, wall: wall };

  start();
})();
