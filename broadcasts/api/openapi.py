"""The OpenAPI 3.1 document of the device API, served at `openapi.json` and fuzzed against by
tests/broadcasts/test_api_schema.py (schemathesis): responses must match what is written here."""

import copy

TIME = {"type": "string", "format": "date-time"}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
ID = {"type": "integer", "minimum": 1}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def error_response(description, *codes, headers=None):
    schema = copy.deepcopy(ref("Error"))
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "Bearer challenge.", "schema": {"type": "string"}}}
ETAG = {"ETag": {"description": 'Weak ETag, W/"<device>.<revision>"', "schema": {"type": "string"}}}

AUTH_ERRORS = {
    "401": error_response("Missing, unknown, revoked or rotated token (`token_missing`, `token_invalid`).",
                          headers=WWW_AUTHENTICATE),
    "403": error_response("The token's device is not the device in the path (`forbidden`)."),
    "405": error_response("Method not allowed."),
    "429": error_response("Too many requests from this device (`rate_limited`).", headers=RETRY_AFTER),
}
BODY_ERRORS = {
    "400": error_response("Invalid JSON or fields (`invalid_request`, with `fields`)."),
    "413": error_response("Body too large (`payload_too_large`)."),
}

DEVICE_ID = {"name": "device_id", "in": "path", "required": True, "schema": ID,
             "description": "The device's id (the token must be this device's)."}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "The ETag of the body the device holds: 304 when it is still current."}

ISSUER = {
    "type": ["object", "null"],
    "required": ["id", "level", "name"],
    "properties": {"id": {"type": "string"}, "level": {"type": "string"}, "name": {"type": "string"}},
}

# Every item says which language its text (or audio) is in: the version chosen for the device's village
# where the item has one, else the item's own (Vietnamese).
LANGUAGE = {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$", "maxLength": 20,
            "description": "BCP 47 code of the text or audio delivered: vi, bdq, hnj-Latn."}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A stable code: token_missing, token_invalid, forbidden, "
                      "rate_limited, invalid_request, payload_too_large, not_found, method_not_allowed, conflict, "
                      "signature_invalid, url_expired."},
            "message": {"type": "string", "description": "English, then Vietnamese."},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "retry_after_s": {"type": "integer"},
        },
    },
    "Registration": {
        "type": "object",
        "required": ["hardware_id", "commune", "kind"],
        "properties": {
            "hardware_id": {"type": "string", "minLength": 1, "maxLength": 128},
            "commune": {"type": "string", "maxLength": 10, "description": "The commune's unit code, e.g. 23524."},
            "kind": {"enum": ["board", "speaker"]},
            "name": {"type": "string", "maxLength": 120},
            "model": {"type": "string", "maxLength": 120},
            "firmware": {"type": "string", "maxLength": 64},
            "display_type": {"enum": ["led", "lcd"]},
            "width": {"type": "integer", "minimum": 16, "maximum": 8192},
            "height": {"type": "integer", "minimum": 8, "maximum": 8192},
            "capabilities": {"type": "object"},
        },
    },
    "Issuer": ISSUER,
    "Rendition": {
        "type": "object",
        "required": ["asset_id", "width", "height"],
        "properties": {"asset_id": {"type": "string"}, "width": {"type": ["integer", "null"]},
                       "height": {"type": ["integer", "null"]}},
    },
    "NoticeItem": {
        "type": "object",
        "description": "A board notice, in the language of the board's village where the notice has an approved "
                       "version in it (`title`, `text` and `language` are the version's), else in its own.",
        "required": ["id", "type", "revision", "class", "rank", "display_order", "kind", "title", "text", "language",
                     "duration_s", "valid_from", "valid_until", "recurrence", "layout_slot", "renditions", "issuer",
                     "source_url"],
        "properties": {
            "id": {"type": "string", "pattern": "^notice-[0-9]+$"},
            "type": {"const": "notice"},
            "revision": {"type": "integer"},
            "class": {"enum": ["routine", "priority", "emergency"]},
            "rank": {"type": "integer", "minimum": 0, "maximum": 2},
            "display_order": {"type": "integer"},
            "kind": {"enum": ["text", "image"]},
            "title": {"type": "string"},
            "text": {"type": "string"},
            "language": LANGUAGE,
            "duration_s": {"type": "integer", "minimum": 1},
            "valid_from": TIME,
            "valid_until": TIME,
            "recurrence": {
                "type": "object",
                "required": ["days", "time_windows"],
                "properties": {
                    "days": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}},
                    "time_windows": {"type": "array", "items": {
                        "type": "object", "required": ["from", "to"],
                        "properties": {"from": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                                       "to": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}},
                    }},
                },
                "description": "Empty time_windows: all day. A window whose `to` is before `from` runs past "
                               "midnight; `days` name the day it starts (ISO: 1 Monday … 7 Sunday).",
            },
            "layout_slot": {"enum": ["main", "takeover"]},
            "renditions": {"type": "array", "items": ref("Rendition"), "description": "LCD boards only."},
            "issuer": ISSUER,
            "source_url": {"type": ["string", "null"]},
        },
    },
    "AlertItem": {
        "type": "object",
        "required": ["id", "type", "revision", "class", "rank", "layout_slot", "cap_identifier", "cap_url", "status",
                     "test", "msg_type", "sent", "headline", "event", "description", "instruction", "category",
                     "severity", "urgency", "certainty", "effective", "onset", "expires", "valid_from",
                     "valid_until", "area_description", "areas", "language", "translations", "issuer"],
        "properties": {
            "id": {"type": "string", "pattern": "^alert-[0-9]+$"},
            "type": {"const": "alert"},
            "revision": {"type": "integer"},
            "class": {"const": "emergency"},
            "rank": {"const": 0},
            "layout_slot": {"const": "takeover"},
            "cap_identifier": {"type": "string"},
            "cap_url": {"type": "string"},
            "status": {"enum": ["Actual", "Exercise", "Test"]},
            "test": {"type": "boolean"},
            "msg_type": {"enum": ["Alert", "Update"]},
            "sent": TIME,
            "headline": {"type": "string"},
            "event": {"type": "string"},
            "description": {"type": "string"},
            "instruction": {"type": "string"},
            "category": {"type": "string"},
            "severity": {"type": "string"},
            "urgency": {"type": "string"},
            "certainty": {"type": "string"},
            "effective": TIME,
            "onset": TIME_OR_NULL,
            "expires": TIME,
            "valid_from": TIME,
            "valid_until": TIME,
            "area_description": {"type": "string"},
            "areas": {"type": "array", "items": {"type": "string"}},
            "language": LANGUAGE,
            "translations": {"type": "array", "items": {
                "type": "object", "required": ["language", "headline", "description", "instruction"],
                "properties": {"language": LANGUAGE, "event": {"type": "string"},
                               "headline": {"type": "string"}, "description": {"type": "string"},
                               "instruction": {"type": "string"}},
            }},
            "issuer": ISSUER,
            "audio": {**ref("AlertAudio"), "description": "Speakers only, once the alert's audio is ready."},
        },
    },
    "AlertAudio": {
        "type": "object",
        "required": ["asset_id", "duration_s", "repeats", "gap_s", "language"],
        "description": "Play at once, then repeat: play k at `effective` + k × (duration + gap), for k < repeats.",
        "properties": {
            "asset_id": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "duration_s": {"type": "number", "exclusiveMinimum": 0},
            "repeats": {"type": "integer", "minimum": 1},
            "gap_s": {"type": "integer", "minimum": 0},
            "language": LANGUAGE,
        },
    },
    "BulletinItem": {
        "type": "object",
        "required": ["id", "type", "kind", "revision", "class", "rank", "display_order", "title", "language",
                     "valid_from", "valid_until", "asset_id", "duration_s", "repeats", "gap_s", "issuer"],
        "description": "A radio bulletin (speakers), in the language of the cluster's village where a version "
                       "has audio. When it plays is in `schedule`.",
        "properties": {
            "id": {"type": "string", "pattern": "^bulletin-[0-9]+$"},
            "type": {"const": "bulletin"},
            "kind": {"const": "audio"},
            "revision": {"type": "integer"},
            "class": {"enum": ["routine", "priority", "emergency"]},
            "rank": {"type": "integer", "minimum": 0, "maximum": 2},
            "display_order": {"type": "integer"},
            "title": {"type": "string"},
            "language": LANGUAGE,
            "valid_from": TIME,
            "valid_until": TIME,
            "asset_id": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "duration_s": {"type": "number", "exclusiveMinimum": 0},
            "repeats": {"type": "integer", "minimum": 1},
            "gap_s": {"type": "integer", "minimum": 0},
            "issuer": ISSUER,
        },
    },
    "RelayItem": {
        "type": "object",
        "required": ["id", "type", "kind", "class", "name", "stream_url", "valid_from", "valid_until"],
        "description": "A relayed programme (speakers): its stream. When it plays is in `schedule`.",
        "properties": {
            "id": {"type": "string", "pattern": "^relay-[0-9]+$"},
            "type": {"const": "relay"},
            "kind": {"const": "relay"},
            "class": {"enum": ["routine", "priority"]},
            "name": {"type": "string"},
            "stream_url": {"type": "string"},
            "valid_from": TIME,
            "valid_until": TIME_OR_NULL,
        },
    },
    "AudioEntry": {
        "type": "object",
        "required": ["item_id", "start_at", "end_at", "kind", "asset_id", "class", "language", "repeat", "of",
                     "resumes"],
        "properties": {
            "item_id": {"type": "string", "pattern": "^(bulletin|alert)-[0-9]+$"},
            "start_at": TIME,
            "end_at": TIME,
            "kind": {"const": "audio"},
            "asset_id": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "class": {"enum": ["routine", "priority", "emergency"]},
            "language": LANGUAGE,
            "repeat": {"type": "integer", "minimum": 1, "description": "This play's number, from 1."},
            "of": {"type": "integer", "minimum": 1, "description": "How many plays the slot has."},
            "resumes": {"const": False},
        },
    },
    "RelayEntry": {
        "type": "object",
        "required": ["item_id", "start_at", "end_at", "kind", "stream_url", "class", "language", "resumes"],
        "properties": {
            "item_id": {"type": "string", "pattern": "^relay-[0-9]+$"},
            "start_at": TIME,
            "end_at": TIME,
            "kind": {"const": "relay"},
            "stream_url": {"type": "string"},
            "class": {"enum": ["routine", "priority"]},
            "language": {"type": "null"},
            "resumes": {"type": "boolean", "description": "The relay goes on after an interruption."},
        },
    },
    "QuietHours": {
        "type": "object",
        "required": ["from", "to"],
        "description": "Only emergencies play from `from` to `to` (local time; past midnight when `to` < `from`).",
        "properties": {"from": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                       "to": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}},
    },
    "Asset": {
        "type": "object",
        "required": ["id", "sha256", "url", "size_bytes", "mime"],
        "properties": {
            "id": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "url": {"type": "string", "description": "Signed and expiring; content-addressed, cache forever."},
            "size_bytes": {"type": "integer", "minimum": 0},
            "mime": {"type": "string"},
            "width": {"type": ["integer", "null"]},
            "height": {"type": ["integer", "null"]},
            "duration_s": {"type": "number", "exclusiveMinimum": 0, "description": "Audio only."},
            "codec": {"const": "mp3", "description": "Audio only."},
            "bitrate_kbps": {"type": "integer", "minimum": 1, "description": "Audio only (64: speech, CBR)."},
            "channels": {"type": "integer", "minimum": 1, "description": "Audio only."},
        },
    },
    "Snapshot": {
        "type": "object",
        "required": ["schema", "device_id", "revision", "generated_at", "now", "window", "next_check_at",
                     "poll_interval_s", "alerts_poll_interval_s", "timezone", "device", "issuer_tree", "defaults",
                     "quiet_hours", "items", "assets", "purge"],
        "properties": {
            "schema": {"const": "vn-portal-device-feed/1"},
            "device_id": ID,
            "revision": {"type": "string"},
            "generated_at": TIME,
            "now": TIME,
            "window": {"type": "object", "required": ["from", "to"], "properties": {"from": TIME, "to": TIME}},
            "next_check_at": TIME,
            "poll_interval_s": {"type": "integer", "minimum": 1},
            "alerts_poll_interval_s": {"type": "integer", "minimum": 1},
            "timezone": {"const": "Asia/Ho_Chi_Minh"},
            "device": {
                "type": "object",
                "required": ["kind", "display_type", "width", "height", "test_mode", "name"],
                "properties": {
                    "kind": {"enum": ["board", "speaker"]},
                    "display_type": {"enum": ["led", "lcd", None]},
                    "width": {"type": ["integer", "null"]},
                    "height": {"type": ["integer", "null"]},
                    "test_mode": {"type": "boolean"},
                    "name": {"type": "string"},
                },
            },
            "issuer_tree": {"type": "array", "items": ISSUER | {"type": "object"}},
            "defaults": {"type": "object", "required": ["title", "text"],
                         "properties": {"title": {"type": "string"}, "text": {"type": "string"}}},
            "quiet_hours": {"type": "array", "items": ref("QuietHours"),
                            "description": "Speakers: the commune's quiet hours (already applied to `schedule`). "
                                           "Boards: empty."},
            "max_slot_s": {"type": "integer", "minimum": 1,
                           "description": "Speakers: the longest run of back-to-back plays (already applied)."},
            "items": {"type": "array",
                      "items": {"oneOf": [ref("NoticeItem"), ref("AlertItem"), ref("BulletinItem"), ref("RelayItem")]},
                      "description": "Sorted: class rank (emergency, priority, routine), then display_order, "
                                     "then valid_from; alerts first among emergencies. Boards get notices and "
                                     "alerts; speakers alerts, bulletins and relays."},
            "schedule": {"type": "array", "items": {"oneOf": [ref("AudioEntry"), ref("RelayEntry")]},
                         "description": "Speakers only: what to play from `window.from` to `window.to`, sorted by "
                                        "start_at, never overlapping (an entry playing at `now` included), with quiet "
                                        "hours, collisions, the longest broadcast and interruptions applied. Alerts "
                                        "in force interrupt it at once (the alerts endpoint)."},
            "assets": {"type": "array", "items": ref("Asset")},
            "purge": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Alerts": {
        "type": "object",
        "required": ["schema", "device_id", "revision", "now", "poll_interval_s", "alerts"],
        "properties": {
            "schema": {"const": "vn-portal-device-alerts/1"},
            "device_id": ID,
            "revision": {"type": "string"},
            "now": TIME,
            "poll_interval_s": {"type": "integer", "minimum": 1},
            "alerts": {"type": "array", "items": ref("AlertItem")},
            "assets": {"type": "array", "items": ref("Asset"),
                       "description": "Speakers only: the alerts' audio, to download from this call alone."},
        },
    },
    "Heartbeat": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"enum": ["ok", "degraded", "error"]},
            "current_item": {"type": "object", "required": ["id"],
                             "properties": {"id": {"type": "string", "maxLength": 64},
                                            "revision": {"type": "integer"},
                                            "started_at": {"type": "string", "maxLength": 40}}},
            "snapshot_revision": {"type": "string", "maxLength": 64},
            "alerts_revision": {"type": "string", "maxLength": 64},
            "storage": {"type": "object", "properties": {"free_bytes": {"type": "integer", "minimum": 0},
                                                         "total_bytes": {"type": "integer", "minimum": 0}}},
            "missing_assets": {"type": "array", "items": {"type": "string", "maxLength": 80}},
            "app_version": {"type": "string", "maxLength": 64},
            "firmware": {"type": "string", "maxLength": 64},
            "uptime_s": {"type": "number", "minimum": 0},
            "clock_offset_s": {"type": "number"},
            "network": {"type": "object"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["code"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "at": {"type": "string"}},
            }},
        },
    },
    "PlayRecord": {
        "type": "object",
        "required": ["record_id", "item_id", "started_at", "ended_at", "outcome"],
        "properties": {
            "record_id": {"type": "string", "format": "uuid"},
            "item_id": {"type": "string", "minLength": 1, "maxLength": 64},
            "item_revision": {"type": "integer", "minimum": 0},
            "class": {"enum": ["routine", "priority", "emergency"]},
            "trigger": {"enum": ["scheduled", "priority", "emergency", "manual", "live"]},
            "started_at": TIME,
            "ended_at": TIME,
            "outcome": {"enum": ["completed", "interrupted", "skipped", "failed"]},
            "language": {"type": "string", "maxLength": 20,
                         "description": "The language played (speakers), a BCP 47 code: vi, bdq."},
        },
    },
    "PlayBatch": {
        "type": "object",
        "required": ["records"],
        "properties": {"records": {"type": "array", "maxItems": 500, "items": ref("PlayRecord")}},
    },
    "PlayResult": {
        "type": "object",
        "required": ["accepted", "duplicates", "rejected"],
        "properties": {
            "accepted": {"type": "integer", "minimum": 0},
            "duplicates": {"type": "integer", "minimum": 0},
            "rejected": {"type": "array", "items": {
                "type": "object", "required": ["index", "record_id", "errors"],
                "properties": {"index": {"type": "integer"}, "record_id": {"type": ["string", "null"]},
                               "errors": {"type": "object"}},
            }},
        },
    },
}


def json_body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def json_ok(description, schema, headers=None):
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


BEARER = [{"deviceToken": []}]

PATHS = {
    "/register": {"post": {
        "operationId": "register",
        "summary": "A device announces itself; an official approves it.",
        "security": [],
        "requestBody": json_body(ref("Registration")),
        "responses": {
            "202": json_ok("Pending approval; keep the claim secret (shown once).", {
                "type": "object", "required": ["status", "device_id", "claim_secret", "claim_url"],
                "properties": {"status": {"const": "pending"}, "device_id": ID, "claim_secret": {"type": "string"},
                               "claim_url": {"type": "string"}}}),
            "409": error_response("This hardware id is already registered (`conflict`)."),
            "429": AUTH_ERRORS["429"], "405": AUTH_ERRORS["405"], **BODY_ERRORS,
        },
    }},
    "/claim": {"post": {
        "operationId": "claim",
        "summary": "Collect the token with the claim secret (as the bearer), once approved.",
        "security": [{"claimSecret": []}],
        "responses": {
            "200": json_ok("Approved: the device token, shown this once.", {
                "type": "object", "required": ["status", "device_id", "token"],
                "properties": {"status": {"const": "active"}, "device_id": ID, "token": {"type": "string"}}}),
            "202": json_ok("Still waiting for approval.", {
                "type": "object", "required": ["status", "retry_after_s"],
                "properties": {"status": {"const": "pending"}, "retry_after_s": {"type": "integer"}}},
                headers=RETRY_AFTER),
            "401": AUTH_ERRORS["401"], "405": AUTH_ERRORS["405"], "429": AUTH_ERRORS["429"],
        },
    }},
    "/devices/{device_id}/snapshot": {"get": {
        "operationId": "snapshot",
        "summary": "Everything the device shows over the next 48 hours.",
        "security": BEARER,
        "parameters": [DEVICE_ID, IF_NONE_MATCH],
        "responses": {
            "200": json_ok("The snapshot.", ref("Snapshot"), headers=ETAG),
            "304": {"description": "Unchanged since the ETag given.", "headers": ETAG},
            **AUTH_ERRORS,
        },
    }},
    "/devices/{device_id}/alerts": {"get": {
        "operationId": "alerts",
        "summary": "The emergency alerts in force for this device (small; polled often).",
        "security": BEARER,
        "parameters": [DEVICE_ID, IF_NONE_MATCH],
        "responses": {
            "200": json_ok("Active alerts.", ref("Alerts"), headers=ETAG),
            "304": {"description": "Unchanged since the ETag given.", "headers": ETAG},
            **AUTH_ERRORS,
        },
    }},
    "/devices/{device_id}/heartbeat": {"post": {
        "operationId": "heartbeat",
        "summary": "Status, current item, the revisions in use, storage, errors.",
        "security": BEARER,
        "parameters": [DEVICE_ID],
        "requestBody": json_body(ref("Heartbeat")),
        "responses": {
            "200": json_ok("Stored.", {"type": "object", "required": ["now", "next_check_at"],
                                       "properties": {"now": TIME, "next_check_at": TIME}}),
            **AUTH_ERRORS, **BODY_ERRORS,
        },
    }},
    "/devices/{device_id}/plays": {"post": {
        "operationId": "plays",
        "summary": "Batched proof of play (at most 500 records; idempotent by record_id).",
        "security": BEARER,
        "parameters": [DEVICE_ID],
        "requestBody": json_body(ref("PlayBatch")),
        "responses": {"200": json_ok("Counted.", ref("PlayResult")), **AUTH_ERRORS, **BODY_ERRORS},
    }},
    "/media/{sha256}.{ext}": {"get": {
        "operationId": "media",
        "summary": "A content-addressed file, by signed link (from a snapshot's assets). Supports Range.",
        "security": [],
        "parameters": [
            {"name": "sha256", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
            {"name": "ext", "in": "path", "required": True, "schema": {"enum": ["jpg", "png", "webp", "gif", "avif", "mp3"]}},
            {"name": "exp", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "sig", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {"description": "The file (Cache-Control: public, max-age=31536000, immutable)."},
            "206": {"description": "One byte range of the file."},
            "304": {"description": "Unchanged (If-None-Match)."},
            "403": error_response("Bad signature or expired link (`signature_invalid`, `url_expired`)."),
            "404": error_response("No such file."),
            "405": AUTH_ERRORS["405"],
            "416": {"description": "Range outside the file."},
        },
    }},
    "/openapi.json": {"get": {
        "operationId": "openapi",
        "summary": "This document.",
        "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
}


def document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Device API (public e-boards, speakers)",
            "version": "1",
            "description": "JSON, UTF-8, times in RFC 3339 with offset (Asia/Ho_Chi_Minh). Bearer token per "
                           "device. Errors: {error, message, fields?}. Snapshot and alerts carry weak ETags: send "
                           "If-None-Match and expect 304. Poll at next_check_at.",
        },
        "servers": [{"url": base_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "deviceToken": {"type": "http", "scheme": "bearer", "description": "The device's token."},
                "claimSecret": {"type": "http", "scheme": "bearer", "description": "The claim secret from register."},
            },
        },
    }
