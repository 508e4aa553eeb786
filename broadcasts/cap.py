"""CAP 1.2 (OASIS Common Alerting Protocol) documents of our alerts, and the Atom index of active ones.

One `<alert>` per message (an alert, an update, a cancel), as published: never rebuilt differently
for another host, so the same identifier always means the same document. One `<info>` per language,
Vietnamese (`vi-VN`) first, then each `AlertTranslation` (`bdq-VN`, `sed-VN`…).

`<area>`: one per message, `areaDesc` (the composer's description, or the communes and villages
chosen), the optional `<polygon>`, and one `<geocode>` per affected commune:

    <geocode><valueName>VN-MaDonViHanhChinh</valueName><value>23524</value></geocode>

`VN-MaDonViHanhChinh` ("mã đơn vị hành chính") is the unit's code in Vietnam's national register of
administrative units (Tổng cục Thống kê, Quyết định 124/2004/QĐ-TTg and its updates): five digits for
a commune. No national CAP profile names these codes yet; this valueName is ours, documented here
and in the README of broadcasts/schemas/.

Every document is checked against the OASIS schema (`schemas/CAP-v1.2.xsd`) and by `cap_xml_errors`'
own rules (CAP's pattern rules the schema leaves out) before an alert is published, and in tests.
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from broadcasts.models import Alert, AlertMessageType
from sites.models import Portal
from sites.tenancy import portal_home_model

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
GEOCODE_VALUE_NAME = "VN-MaDonViHanhChinh"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "CAP-v1.2.xsd"
CAP_CONTENT_TYPE = "application/cap+xml"

# CAP 1.2, 3.2.1: identifier and sender contain no spaces, commas or restricted characters (< and &).
CAP_TOKEN = re.compile(r"^[^\s,<&]+$")
# CAP 1.2, 3.3.2: date-times with an explicit offset, no fractions; ours are always in +07:00.
CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
LOCAL_OFFSET = "+07:00"
POINT = re.compile(r"^(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$")


# ------------------------------------------------------------------------------------------ helpers


def cap_time(value) -> str:
    """A CAP date-time: local time (Asia/Ho_Chi_Minh) with its offset, to the second."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def cap_language(code: str) -> str:
    """Our language code as an RFC 3066 tag for `<language>`: `vi` → `vi-VN`, `bdq` → `bdq-VN`."""
    return "en-US" if code == "en" else f"{code}-VN"


def polygon_errors(polygon: str) -> list[str]:
    """CAP's polygon (3.2.4): "lat,lon lat,lon …" in WGS 84, at least four points, the last one the
    first (closed). The rules WMO's CAP Composer enforces too. Messages in Vietnamese."""
    points = polygon.split()
    if not points:
        return []
    errors = []
    parsed = []
    for point in points:
        match = POINT.match(point)
        if not match:
            errors.append(f"Điểm “{point[:40]}” không đúng dạng vĩ độ,kinh độ (ví dụ 14.5321,107.9123).")
            continue
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.append(f"Điểm “{point}” nằm ngoài phạm vi tọa độ (vĩ độ −90…90, kinh độ −180…180).")
        parsed.append((lat, lon))
    if errors:
        return errors
    if len(parsed) < 4:
        errors.append("Đa giác cần ít nhất 4 điểm (điểm cuối trùng điểm đầu).")
    elif parsed[0] != parsed[-1]:
        errors.append("Đa giác phải khép kín: điểm cuối phải trùng điểm đầu.")
    return errors


def reference_chain(alert: Alert, limit: int = 50) -> list[Alert]:
    """The earlier messages this one updates or cancels, oldest first (CAP `references` lists them all)."""
    chain = []
    current = alert.references
    while current is not None and len(chain) < limit:
        chain.append(current)
        current = current.references
    return list(reversed(chain))


def portal_home():
    """The portal's home page (specific), where the canonical public URLs of alerts live."""
    portal = Portal.objects.only("home_id").first()
    if portal is None:
        return None
    return portal_home_model().objects.filter(pk=portal.home_id).first()


def alert_urls(alert: Alert, *, home=None, base: str | None = None) -> dict[str, str]:
    """Absolute URLs of an alert's public page and of its CAP XML, under the portal's home: the
    canonical place, since the portal shows every commune's alerts. (`base`: the home's full URL,
    when the caller already has it, to build many URLs at the cost of one.)"""
    home = home or portal_home()
    if home is None:
        return {"page": "", "cap": ""}
    base = (base or home.get_full_url()).rstrip("/") + "/"
    return {
        "page": base + home.reverse_subpage("alert_detail", kwargs={"pk": alert.pk}),
        "cap": base + home.reverse_subpage("alert_cap", kwargs={"pk": alert.pk}),
    }


def area_description(alert: Alert, communes, areas) -> str:
    if alert.area_description.strip():
        return alert.area_description.strip()
    parts = []
    for commune in communes:
        villages = [area.name for area in areas if area.commune_id == commune.pk]
        parts.append(f"{commune.name} ({', '.join(villages)})" if villages else commune.name)
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------ CAP XML


def _sub(parent, tag, text=None, ns=CAP_NS):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def cap_sender() -> str:
    return settings.SITE_DOMAIN


def alert_cap_element(alert: Alert, *, urls: dict | None = None):
    """The `<alert>` element of a published message."""
    if alert.sent is None or not alert.identifier:
        raise ValueError("Only a published alert has a CAP document.")
    urls = urls or alert_urls(alert)
    communes = list(alert.communes.select_related("unit").order_by("unit__code"))
    areas = list(alert.areas.order_by("name"))
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", cap_sender())
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    if alert.msg_type == AlertMessageType.CANCEL:
        _sub(root, "note", alert.description)
    chain = reference_chain(alert)
    if chain:
        _sub(root, "references", " ".join(f"{cap_sender()},{m.identifier},{cap_time(m.sent)}" for m in chain))

    blocks = [("vi", alert.event, alert.headline, alert.description, alert.instruction)]
    blocks += [(t.language, t.event, t.headline, t.description, t.instruction)
               for t in alert.translations.order_by("sort_order", "pk")]
    description_of_area = area_description(alert, communes, areas)
    for language, event, headline, description, instruction in blocks:
        info = _sub(root, "info")
        _sub(info, "language", cap_language(language))
        _sub(info, "category", alert.category)
        _sub(info, "event", event)
        _sub(info, "urgency", alert.urgency)
        _sub(info, "severity", alert.severity)
        _sub(info, "certainty", alert.certainty)
        _sub(info, "effective", cap_time(alert.effective or alert.sent))
        if alert.onset:
            _sub(info, "onset", cap_time(alert.onset))
        _sub(info, "expires", cap_time(alert.expires))
        if alert.sender_name:
            _sub(info, "senderName", alert.sender_name)
        _sub(info, "headline", headline)
        _sub(info, "description", description)
        if instruction:
            _sub(info, "instruction", instruction)
        if urls.get("page"):
            _sub(info, "web", urls["page"])
        area = _sub(info, "area")
        _sub(area, "areaDesc", description_of_area)
        if alert.polygon.strip():
            _sub(area, "polygon", " ".join(alert.polygon.split()))
        for commune in communes:
            geocode = _sub(area, "geocode")
            _sub(geocode, "valueName", GEOCODE_VALUE_NAME)
            _sub(geocode, "value", commune.unit.code)
    return root


def alert_cap_xml(alert: Alert, *, urls: dict | None = None) -> bytes:
    return etree.tostring(alert_cap_element(alert, urls=urls), xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.cache
def cap_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def cap_xml_errors(xml: bytes) -> list[str]:
    """Why a CAP document is not valid: the OASIS schema first, then CAP's own rules that the schema
    cannot express. Empty when it is valid."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [f"XML không hợp lệ: {error}"]
    schema = cap_schema()
    if not schema.validate(document):
        return [f"Sai lược đồ CAP 1.2 (dòng {e.line}): {e.message}" for e in schema.error_log]
    ns = {"cap": CAP_NS}
    errors = []

    def text(path, node=document):
        found = node.find(path, ns)
        return found.text if found is not None else None

    for tag in ("identifier", "sender"):
        if not CAP_TOKEN.match(text(f"cap:{tag}") or ""):
            errors.append(f"{tag} chứa dấu cách, dấu phẩy hoặc ký tự < &")
    for node in document.iter(*(f"{{{CAP_NS}}}{tag}" for tag in ("sent", "effective", "onset", "expires"))):
        if not CAP_TIME.match(node.text or "") or not node.text.endswith(LOCAL_OFFSET):
            errors.append(f"{etree.QName(node).localname} phải có dạng yyyy-mm-ddThh:mm:ss+07:00: {node.text}")
    msg_type = text("cap:msgType")
    references = text("cap:references")
    if msg_type in ("Update", "Cancel") and not references:
        errors.append(f"tin {msg_type} phải có references")
    if msg_type == "Alert" and references:
        errors.append("tin Alert không được có references")
    for reference in (references or "").split():
        parts = reference.split(",")
        if len(parts) != 3 or not all(CAP_TOKEN.match(p) for p in parts[:2]) or not CAP_TIME.match(parts[2]):
            errors.append(f"references phải gồm các bộ sender,identifier,sent: {reference}")
    if text("cap:status") == "Draft":
        errors.append("không phát bản tin có status Draft")
    infos = document.findall("cap:info", ns)
    languages = [text("cap:language", info) for info in infos]
    if infos and languages[0] != "vi-VN":
        errors.append("khối info đầu tiên phải bằng tiếng Việt (vi-VN)")
    if len(set(languages)) != len(languages):
        errors.append("mỗi ngôn ngữ chỉ có một khối info")
    for info in infos:
        for tag in ("headline", "description", "expires", "senderName"):
            if not text(f"cap:{tag}", info):
                errors.append(f"khối info {text('cap:language', info)} thiếu {tag}")
        effective, expires = text("cap:effective", info), text("cap:expires", info)
        if effective and expires and CAP_TIME.match(effective) and CAP_TIME.match(expires) and expires <= effective:
            errors.append("expires phải sau effective")
        for polygon in info.iterfind("cap:area/cap:polygon", ns):
            errors += polygon_errors(polygon.text or "")
        if info.find("cap:area/cap:geocode", ns) is None:
            errors.append("khối area phải có mã đơn vị hành chính (geocode)")
    return errors


def cap_document_errors(alert: Alert) -> list[str]:
    return cap_xml_errors(alert_cap_xml(alert))


# --------------------------------------------------------------------------------------------- Atom


def alerts_atom(alerts, *, title: str, feed_url: str, page_url: str, author: str, now=None) -> bytes:
    """An Atom index of alerts in force (OASIS CAP feeds practice): each entry's id is the CAP
    identifier, its `alternate` link the CAP XML, its `related` link the public page."""
    now = now or timezone.now()
    home = portal_home()
    base = home.get_full_url() if home is not None else None
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _sub(feed, "id", feed_url, ns=ATOM_NS)
    _sub(feed, "title", title, ns=ATOM_NS)
    updated = max([a.sent for a in alerts], default=None)
    _sub(feed, "updated", cap_time(updated or now), ns=ATOM_NS)
    _sub(_sub(feed, "author", ns=ATOM_NS), "name", author, ns=ATOM_NS)
    etree.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", type="application/atom+xml", href=feed_url)
    etree.SubElement(feed, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=page_url)
    for alert in alerts:
        urls = alert_urls(alert, home=home, base=base) if home is not None else {"page": "", "cap": ""}
        entry = _sub(feed, "entry", ns=ATOM_NS)
        _sub(entry, "id", alert.identifier, ns=ATOM_NS)
        _sub(entry, "title", alert.headline, ns=ATOM_NS)
        _sub(entry, "updated", cap_time(alert.sent), ns=ATOM_NS)
        _sub(entry, "published", cap_time(alert.sent), ns=ATOM_NS)
        _sub(_sub(entry, "author", ns=ATOM_NS), "name", alert.sender_name or author, ns=ATOM_NS)
        summary = f"{alert.event} – {alert.get_severity_display()}. {alert.description}"
        _sub(entry, "summary", summary[:500], ns=ATOM_NS)
        etree.SubElement(entry, f"{{{ATOM_NS}}}category", term=alert.category)
        etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="alternate", type=CAP_CONTENT_TYPE, href=urls["cap"])
        etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="related", type="text/html", href=urls["page"])
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
