"""Media for devices: content-addressed files (`Asset`, named by their SHA-256), made from Wagtail image
renditions, reached through signed, expiring URLs and served with `immutable` caching and byte ranges.

- A rendition becomes an asset once: its SHA-256 is computed when the asset row is created, and the row
  is found again by `source_key` (image, file hash and filter spec), so a later snapshot reads one row.
- URLs are `media/<sha256>.<ext>?exp=<unix time>&sig=<HMAC-SHA256>`, signed with SECRET_KEY (Django's
  `salted_hmac`), so a simple downloader needs no header. `exp` is rounded up to a day, so every
  snapshot of a day carries the same URL, and lies at least `URL_LIFETIME` ahead: more than the 24 hours
  after which a feed is refreshed anyway (`selectors.MAX_BOUNDARY`), so a snapshot a device keeps
  revalidating never holds an expired link.
- Serving: `Cache-Control: public, max-age=31536000, immutable` (the URL's content never changes), a
  strong ETag (the hash), `If-None-Match` → 304, one `Range: bytes=…` → 206 or 416 (interrupted 4G
  downloads resume), several ranges → the whole file (RFC 9110 allows ignoring Range), HEAD.
"""

import datetime
import hashlib
import mimetypes
import re

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import parse_etags

from broadcasts.models import Asset
from core.numbers import parse_int

URL_LIFETIME = datetime.timedelta(days=3)
DAY = 86400
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/avif": "avif",
              "audio/mpeg": "mp3"}
MIMES = {ext: mime for mime, ext in EXTENSIONS.items()}
CHUNK = 64 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


# ---------------------------------------------------------------------------------------- making


def source_key(image, spec: str) -> str:
    return f"image-{image.pk}-{(image.file_hash or 'nohash')[:16]}-{spec}"[:160]


def rendition_assets(images, spec: str) -> dict[int, Asset]:
    """{image id: Asset} of each image's rendition under `spec`. Reads one row per call once the
    assets exist; a new rendition is hashed and stored the first time it is asked for."""
    unique = {image.pk: image for image in images}
    if not unique:
        return {}
    keys = {source_key(image, spec): pk for pk, image in unique.items()}
    found = {keys[a.source_key]: a for a in Asset.objects.filter(source_key__in=list(keys))}
    for pk, image in unique.items():
        if pk not in found:
            asset = asset_from_rendition(image=image, spec=spec)
            if asset is not None:
                found[pk] = asset
    return found


def asset_from_rendition(*, image, spec: str) -> Asset | None:
    """The asset of one rendition, created if needed. None when the image's file is missing."""
    try:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return None
    mime = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
    return asset_store(data=data, mime=mime, width=rendition.width, height=rendition.height,
                       source=source_key(image, spec))


def asset_store(*, data: bytes, mime: str, width: int | None = None, height: int | None = None,
                source: str | None = None) -> Asset:
    """Store bytes as a content-addressed asset (idempotent: the same bytes give the same row)."""
    digest = hashlib.sha256(data).hexdigest()
    existing = Asset.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    asset = Asset(sha256=digest, size_bytes=len(data), mime=mime, width=width, height=height, source_key=source)
    asset.file.save(f"{digest}.{EXTENSIONS.get(mime, 'bin')}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:  # another worker stored it meanwhile
        asset.file.delete(save=False)
        return Asset.objects.filter(Q(sha256=digest) | Q(source_key=source) if source else Q(sha256=digest)).first()
    return asset


# ------------------------------------------------------------------------------------------ URLs


def signature(sha256: str, ext: str, exp: int) -> str:
    return salted_hmac("broadcasts.media", f"{sha256}.{ext}:{exp}", algorithm="sha256").hexdigest()


def expiry(now: datetime.datetime) -> int:
    moment = int((now + URL_LIFETIME).timestamp())
    return moment + (-moment) % DAY


def signed_path(asset: Asset, now: datetime.datetime) -> str:
    ext = EXTENSIONS.get(asset.mime, "bin")
    exp = expiry(now)
    path = reverse("device_api:media", kwargs={"sha256": asset.sha256, "ext": ext})
    return f"{path}?exp={exp}&sig={signature(asset.sha256, ext, exp)}"


def asset_entry(asset: Asset, *, request, now: datetime.datetime) -> dict:
    return {
        "id": f"sha256:{asset.sha256}",
        "sha256": asset.sha256,
        "url": request.build_absolute_uri(signed_path(asset, now)),
        "size_bytes": asset.size_bytes,
        "mime": asset.mime,
        "width": asset.width,
        "height": asset.height,
    }


def check_signature(sha256: str, ext: str, exp: str, sig: str, now: datetime.datetime) -> str | None:
    """None when the link is good, else the error code (`signature_invalid`, `url_expired`)."""
    expires = parse_int(exp, minimum=0, maximum=10**12) if len(exp) <= 12 else None
    if expires is None:
        return "signature_invalid"
    if not constant_time_compare(signature(sha256, ext, expires), sig):
        return "signature_invalid"
    if expires < now.timestamp():
        return "url_expired"
    return None


# --------------------------------------------------------------------------------------- serving


def byte_range(header: str | None, size: int):
    """(start, end inclusive) of one satisfiable range; None to send the whole file; "unsatisfiable"."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if match is None:  # several ranges or another unit: ignored, the whole file is sent
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid: ignore it (RFC 9110 §14.1.1)
    if start >= size:
        return "unsatisfiable"
    return start, end


def _chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def serve(request, asset: Asset):
    etag = f'"{asset.sha256}"'
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": etag,
        "Accept-Ranges": "bytes",
    }
    tags = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags):
        response = HttpResponse(status=304)
        for name, value in headers.items():
            response[name] = value
        return response
    size = asset.size_bytes
    wanted = byte_range(request.META.get("HTTP_RANGE"), size)
    if_range = request.META.get("HTTP_IF_RANGE")
    if if_range is not None and if_range.strip() != etag:
        wanted = None  # the client's partial copy is of something else: send it all
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        for name, value in headers.items():
            response[name] = value
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(0, end - start + 1)
    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200, content_type=asset.mime)
    else:
        response = StreamingHttpResponse(_chunks(asset.file.open("rb"), start, length),
                                         status=206 if wanted else 200, content_type=asset.mime)
    response["Content-Length"] = str(length)
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    for name, value in headers.items():
        response[name] = value
    return response
