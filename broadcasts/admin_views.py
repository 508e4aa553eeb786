"""Hand-written admin views of the broadcasts app, each through the tenancy layer:

- a device's approval, token rotation and revocation (`commune_object_view`, with the permission
  `broadcasts.manage_device_tokens`): a confirmation page (GET), then the action (POST, CSRF); a new
  token is shown on the POST's own answer, once, never stored, never cached;
- the portal-wide device summary (`portal_staff_view`);
- "turn into a board notice" and "turn into a radio bulletin" for a published news item or legal
  document of the user's commune;
- "turn into a radio bulletin" for what other features offer through the `register_radio_bulletin_source`
  hook (answered citizen questions): broadcasts imports no other feature, so a source is plain data.
"""

import html
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.models import Page

from broadcasts.models import BoardNotice, Device, DeviceState, NoticeImage, RadioBulletin
from broadcasts.services import device_approve, device_revoke, device_token_issue
from core.numbers import BIGINT_MAX, parse_int
from sites.models import CommuneSite
from sites.scoping import commune_object_view, portal_staff_view
from sites.tenancy import commune_for_page, commune_sites_for_user

MANAGE_TOKENS = ["broadcasts.manage_device_tokens"]
NOTICE_TEXT_LIMIT = 500


def user_communes(request):
    """The communes a filter may offer: the request's user's (none without a request)."""
    if request is None:
        return CommuneSite.objects.none()
    return commune_sites_for_user(request.user)


def player_fragment(device, token):
    """The player's address fragment: the token stays in the browser (a fragment is never sent)."""
    return f"#device={device.pk}&token={token}"


def _token_response(request, device, token, heading):
    response = TemplateResponse(request, "broadcasts/admin/device_token.html", {
        "device": device,
        "token": token,
        "heading": heading,
        "player_url": request.build_absolute_uri("/thiet-bi/bang-tin/") + player_fragment(device, token),
        "index_url": reverse("device:index"),
    })
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _confirm(request, device, *, action, heading, question, button, danger=False):
    return TemplateResponse(request, "broadcasts/admin/device_confirm.html", {
        "device": device, "action": action, "heading": heading, "question": question, "button": button,
        "danger": danger, "index_url": reverse("device:index"),
    })


@never_cache
@require_http_methods(["GET", "POST"])
@commune_object_view(Device, permissions=MANAGE_TOKENS)
def device_approve_view(request, device):
    if device.state != DeviceState.PENDING:
        messages.error(request, f"Thiết bị “{device}” không ở trạng thái chờ duyệt.")
        return redirect("device:index")
    if request.method == "GET":
        return _confirm(
            request, device, action=reverse("device:approve", args=[device.pk]),
            heading=f"Duyệt thiết bị “{device}”",
            question="Sau khi duyệt, thiết bị nhận lịch phát của xã. Thiết bị tự đăng ký sẽ tự nhận mã truy cập; "
                     "thiết bị do cán bộ tạo nhận mã ngay sau đây (chỉ hiển thị một lần).",
            button="Duyệt thiết bị",
        )
    with transaction.atomic():
        token = device_approve(device=device, actor=request.user)
    if token is None:
        messages.success(request, f"Đã duyệt thiết bị “{device}”. Thiết bị sẽ tự nhận mã truy cập ở lần gọi tiếp theo.")
        return redirect("device:index")
    return _token_response(request, device, token, f"Đã duyệt thiết bị “{device}”")


@never_cache
@require_http_methods(["GET", "POST"])
@commune_object_view(Device, permissions=MANAGE_TOKENS)
def device_rotate_view(request, device):
    if device.state != DeviceState.ACTIVE:
        messages.error(request, f"Chỉ đổi mã cho thiết bị đang hoạt động; “{device}” chưa được duyệt hoặc đã bị thu hồi.")
        return redirect("device:index")
    if request.method == "GET":
        return _confirm(
            request, device, action=reverse("device:rotate", args=[device.pk]),
            heading=f"Đổi mã truy cập của “{device}”",
            question="Mã cũ hết hiệu lực ngay: thiết bị ngừng nhận lịch cho đến khi được nhập mã mới.",
            button="Cấp mã mới", danger=True,
        )
    token = device_token_issue(device=device, actor=request.user)
    return _token_response(request, device, token, f"Mã truy cập mới của “{device}”")


@never_cache
@require_http_methods(["GET", "POST"])
@commune_object_view(Device, permissions=MANAGE_TOKENS)
def device_revoke_view(request, device):
    if device.state == DeviceState.REVOKED:
        messages.error(request, f"Thiết bị “{device}” đã bị thu hồi.")
        return redirect("device:index")
    if request.method == "GET":
        return _confirm(
            request, device, action=reverse("device:revoke", args=[device.pk]),
            heading=f"Thu hồi thiết bị “{device}”",
            question="Thiết bị mất mã truy cập và ngừng nhận nội dung ngay. Lịch sử của thiết bị được giữ lại.",
            button="Thu hồi", danger=True,
        )
    device_revoke(device=device, actor=request.user)
    messages.success(request, f"Đã thu hồi thiết bị “{device}”.")
    return redirect("device:index")


def device_summary(communes, now=None):
    """Per commune: devices, online, offline, pending, revoked (online by `Device.is_online`)."""
    now = now or timezone.now()
    rows = {commune.pk: {"commune": commune, "devices": 0, "online": 0, "offline": 0, "pending": 0, "revoked": 0}
            for commune in communes}
    devices = Device.objects.filter(commune__in=list(rows)).only(
        "commune_id", "state", "last_seen_at", "poll_interval_s")
    for device in devices.iterator():
        row = rows[device.commune_id]
        row["devices"] += 1
        if device.state == DeviceState.PENDING:
            row["pending"] += 1
        elif device.state == DeviceState.REVOKED:
            row["revoked"] += 1
        elif device.is_online(now):
            row["online"] += 1
        else:
            row["offline"] += 1
    return list(rows.values())


@never_cache
@portal_staff_view
def device_summary_view(request):
    communes = commune_sites_for_user(request.user).select_related("unit").order_by("unit__name")
    rows = device_summary(communes)
    totals = {key: sum(row[key] for row in rows) for key in ("devices", "online", "offline", "pending", "revoked")}
    return TemplateResponse(request, "broadcasts/admin/device_summary.html", {
        "rows": rows, "totals": totals, "index_url": reverse("device:index"), "now": timezone.now(),
    })


# ------------------------------------------------------------------------------ page → board notice

NOTICE_SOURCE_MODELS = ("communes.newspage", "communes.legaldocumentpage")


def can_become_notice(page):
    return page.live and page.specific_class is not None and (
        page.specific_class._meta.label_lower in NOTICE_SOURCE_MODELS)


def plain_text(value, limit=NOTICE_TEXT_LIMIT):
    """Text without HTML, whitespace collapsed, cut at a word boundary to at most `limit` characters."""
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(value or ""))).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–") + "…"


def notice_fields_from_page(page):
    """Title, text and image of a draft notice made from a news item or a legal document."""
    label = page._meta.label_lower
    if label == "communes.legaldocumentpage":
        text = plain_text(f"{page.number}: {page.summary}")
        image = None
    else:
        text = plain_text(page.intro) or plain_text(page.title)
        image = page.image
    return {"title": page.title[:120], "text": text, "image": image}


def _page_of_users_commune(request, page_id, permission="broadcasts.add_boardnotice"):
    """The live news item or legal document, if the user may edit it and has `permission`; else 404/403."""
    page = get_object_or_404(Page, pk=page_id)
    if not can_become_notice(page):
        raise Http404
    page = page.specific
    commune = commune_for_page(page)
    if commune is None or not commune_sites_for_user(request.user).filter(pk=commune.pk).exists():
        raise Http404
    if not page.permissions_for_user(request.user).can_edit() or not request.user.has_perm(permission):
        raise PermissionDenied
    return page, commune


@never_cache
@require_http_methods(["GET", "POST"])
def notice_from_page_view(request, page_id):
    page, commune = _page_of_users_commune(request, page_id)
    if request.method == "GET":
        return TemplateResponse(request, "broadcasts/admin/notice_from_page.html", {
            "page": page, "commune": commune, "fields": notice_fields_from_page(page),
            "action": reverse("broadcasts_notice_from_page", args=[page.pk]),
        })
    fields = notice_fields_from_page(page)
    with transaction.atomic():
        notice = BoardNotice(commune=commune, title=fields["title"], text=fields["text"], source_page=page, live=False)
        if fields["image"] is not None:
            notice.images = [NoticeImage(image=fields["image"])]
        notice.save()
        notice.save_revision(user=request.user, log_action=True)
    messages.success(request, "Đã tạo bản nháp thông báo bảng tin. Hãy kiểm tra rồi gửi duyệt.")
    return redirect("wagtailsnippets_broadcasts_boardnotice:edit", notice.pk)


# The page is the object here: tenancy is the page's commune (checked above) and the admin middleware
# refuses a page id outside the user's communes before this runs.
notice_from_page_view.tenant_scoped = "page"



# ------------------------------------------------------------------------------ page → radio bulletin

BULLETIN_TEXT_LIMIT = 10000
ADD_BULLETIN = "broadcasts.add_radiobulletin"


def spoken_text(parts, limit=BULLETIN_TEXT_LIMIT):
    """Paragraphs of plain text (HTML removed, whitespace collapsed inside each), one blank line apart
    so the reader pauses between them, cut at a word boundary to at most `limit` characters."""
    paragraphs = [plain_text(part, limit) for part in parts]
    return plain_text_join([p for p in paragraphs if p], limit)


def plain_text_join(paragraphs, limit):
    text = "\n\n".join(paragraphs)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–\n") + "…"


def _body_parts(body):
    """The readable blocks of a page body: headings, paragraphs and quotes (not images, files, tables)."""
    parts = []
    for block in body or []:
        if block.block_type == "paragraph":
            parts.append(block.value.source)
        elif block.block_type in ("heading", "quote"):
            parts.append(str(block.value))
    return parts


def bulletin_fields_from_page(page):
    """Title, text to read and source label of a draft bulletin made from a news item or a legal document."""
    if page._meta.label_lower == "communes.legaldocumentpage":
        heading = f"{page.get_document_type_display()} số {page.number} ngày {page.issue_date:%d/%m/%Y} " \
                  f"của {page.issuing_body}."
        parts = [heading, page.summary]
        if page.effective_date:
            parts.append(f"Văn bản có hiệu lực từ ngày {page.effective_date:%d/%m/%Y}.")
        return {"title": page.title[:200], "text": spoken_text(parts), "source_label": f"Văn bản {page.number}"[:200]}
    text = spoken_text([page.title, page.intro, *_body_parts(page.body)])
    return {"title": page.title[:200], "text": text, "source_label": f"Tin tức: {page.title}"[:200]}


def bulletin_draft_create(*, commune, user, title, text, source_label, source_page=None):
    """A draft bulletin of the commune, saved with its first revision: the editor adds its hours and
    targets, then submits it to the commune's workflow."""
    with transaction.atomic():
        bulletin = RadioBulletin(commune=commune, title=title, text=text, source_label=source_label,
                                 source_page=source_page, live=False)
        bulletin.save()
        bulletin.save_revision(user=user, log_action=True)
    return bulletin


BULLETIN_CREATED = "Đã tạo bản nháp bản tin phát thanh. Hãy thêm giờ phát, nơi phát, nghe thử rồi gửi duyệt."


@never_cache
@require_http_methods(["GET", "POST"])
def bulletin_from_page_view(request, page_id):
    page, commune = _page_of_users_commune(request, page_id, ADD_BULLETIN)
    fields = bulletin_fields_from_page(page)
    if request.method == "GET":
        return TemplateResponse(request, "broadcasts/admin/radio_bulletin_from_page.html", {
            "page": page, "commune": commune, "fields": fields,
            "action": reverse("broadcasts_bulletin_from_page", args=[page.pk]),
        })
    bulletin = bulletin_draft_create(commune=commune, user=request.user, source_page=page, **fields)
    messages.success(request, BULLETIN_CREATED)
    return redirect("wagtailsnippets_broadcasts_radiobulletin:edit", bulletin.pk)


# Tenancy as for notice_from_page_view: the page's commune, checked above and by the admin middleware.
bulletin_from_page_view.tenant_scoped = "page"


# ---------------------------------------------------------------- other features → radio bulletin

BULLETIN_SOURCE_HOOK = "register_radio_bulletin_source"
"""A feature offers its content as bulletins by registering a function under this hook name that
returns a dict (plain data: the feature does not import broadcasts, nor broadcasts the feature):

    name     a slug, the source's name in URLs ("cau-hoi")
    label    what the source offers, in words ("Câu hỏi đã trả lời")
    list     list(user) -> [item]: what the user's communes may turn into bulletins, newest first
    get      get(user, item_id: int) -> item or None: one of them, None if not the user's to take

and an item is a dict: `id`, `title`, `text` (what is read out: public, redacted), `label` (the
bulletin's source label), `commune_home_id` (the commune's home page) and optionally `date`.
"""


def bulletin_sources():
    """{name: source} of every registered source (see BULLETIN_SOURCE_HOOK)."""
    sources = {}
    for hook in hooks.get_hooks(BULLETIN_SOURCE_HOOK):
        source = hook()
        sources[source["name"]] = source
    return sources


def _source_item_commune(user, item):
    """The item's commune site, if the user works for it; else 404."""
    commune = commune_sites_for_user(user).filter(home_id=item.get("commune_home_id")).select_related("unit").first()
    if commune is None:
        raise Http404
    return commune


@never_cache
@require_http_methods(["GET", "POST"])
def bulletin_from_source_view(request):
    """Pick an item a feature offers (`?nguon=cau-hoi`), check it (`&muc=<id>`), and create the draft (POST)."""
    if not request.user.has_perm(ADD_BULLETIN):
        raise PermissionDenied
    sources = bulletin_sources()
    data = request.POST if request.method == "POST" else request.GET
    name = data.get("nguon") or (next(iter(sources)) if len(sources) == 1 else "")
    base_url = reverse("radio_sources:index")
    if not name:
        return TemplateResponse(request, "broadcasts/admin/radio_bulletin_from_source.html", {
            "sources": sorted(sources.values(), key=lambda s: s["label"]), "base_url": base_url})
    source = sources.get(name)
    if source is None:
        raise Http404
    if not data.get("muc"):
        if request.method == "POST":
            raise Http404
        return TemplateResponse(request, "broadcasts/admin/radio_bulletin_from_source.html", {
            "source": source, "items": source["list"](request.user), "base_url": base_url})
    item_id = parse_int(data["muc"], minimum=1, maximum=BIGINT_MAX)
    item = source["get"](request.user, item_id) if item_id is not None else None
    if item is None:
        raise Http404
    commune = _source_item_commune(request.user, item)
    fields = {"title": item["title"][:200], "text": spoken_text(item["text"].split("\n\n")),
              "source_label": item["label"][:200]}
    if request.method == "GET":
        return TemplateResponse(request, "broadcasts/admin/radio_bulletin_from_source.html", {
            "source": source, "item": item, "fields": fields, "commune": commune, "base_url": base_url})
    bulletin = bulletin_draft_create(commune=commune, user=request.user, **fields)
    messages.success(request, BULLETIN_CREATED)
    return redirect("wagtailsnippets_broadcasts_radiobulletin:edit", bulletin.pk)


# The items come from the feature scoped to the user (its `list` and `get`), and their commune is
# checked again here against the user's communes.
bulletin_from_source_view.tenant_scoped = "the source's items, scoped by the source and by _source_item_commune"
