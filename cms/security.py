"""Security headers every response carries: Content-Security-Policy and Permissions-Policy.

Public pages get a strict policy: scripts, styles, images, fonts and requests only from the site
itself, no inline script, no plugins, no framing. The Wagtail admin (under /quan-tri/) cannot live
without inline scripts and styles (date choosers and inline panels print `<script>` blocks), so it
gets a policy of its own that allows them but is otherwise as narrow: nothing is loaded from another
origin there either. The admin's page preview renders public templates under /quan-tri/ and therefore
falls under the admin policy, which is what its iframe needs.

django-csp builds and sends the header; this subclass only chooses which policy a request gets.
A view can still adjust its policy with django-csp's decorators (`csp_update`, `csp_replace`,
`csp_exempt`).
"""

from functools import lru_cache

from csp.constants import HEADER, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings

ADMIN_PREFIX = "/quan-tri/"


def _site_hosts():
    """The portal and every commune hostname (`dakha.gov.vn`, `*.dakha.gov.vn`), scheme-less so they
    match whatever scheme the page itself was served with."""
    domain = getattr(settings, "SITE_DOMAIN", "") or ""
    return [domain, f"*.{domain}"] if domain else []


def public_policy():
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The Q&A form hides its spam trap with a style attribute; style elements and stylesheets
        # from elsewhere stay forbidden. Drop this once that style lives in site.css.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The header's search box and the Q&A form post to their own site; the portal and its
        # communes may send readers to one another.
        "form-action": [SELF, *_site_hosts()],
        "frame-ancestors": [NONE],
    }


def admin_policy():
    return {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],  # image previews before upload, focal point chooser
        "font-src": [SELF, "data:"],
        # Wagtail's update check (releases.wagtail.io) is off: WAGTAIL_ENABLE_UPDATE_CHECK = False.
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "frame-src": [SELF],  # live preview
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *_site_hosts()],
        "frame-ancestors": [SELF],  # the preview iframe shows admin URLs inside the admin
    }


# Powerful browser features no page of the portal uses. Only features Chromium recognises are listed:
# an unknown name makes the browser log an error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def is_admin_path(path):
    return path.startswith(ADMIN_PREFIX)


# What a view sets on its response when it adjusts its policy with django-csp's decorators.
_VIEW_ADJUSTMENTS = tuple(f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace", "exempt")
                          for suffix in ("", "_ro"))


@lru_cache(maxsize=8)
def policy_header(admin: bool, site_domain: str) -> str:
    """The header of a response whose view left the policy alone: one of two strings per site domain,
    built once per process instead of on every response (a stored page is served in about a
    millisecond, and building the policy took a good part of it)."""
    return build_policy(config=admin_policy() if admin else public_policy())


class SecurityHeadersMiddleware(CSPMiddleware):
    """Content-Security-Policy (strict for the public, relaxed for the admin) and Permissions-Policy."""

    def _adjusted(self, request, response) -> bool:
        return (
            any(hasattr(response, name) for name in _VIEW_ADJUSTMENTS)
            or getattr(request, "_csp_nonce", None) is not None  # a template asked for a nonce
            or bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None))
            or (settings.DEBUG and response.status_code in (404, 500))  # django-csp leaves debug pages alone
        )

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            path = getattr(request, "path_info", "") or ""
            parts = PolicyParts(
                admin_policy() if is_admin_path(path) else public_policy(),
                parts.update,
                parts.replace,
                parts.nonce,
            )
        return parts

    def process_response(self, request, response):
        if self._adjusted(request, response):
            response = super().process_response(request, response)
        else:
            if HEADER not in response:
                response[HEADER] = policy_header(is_admin_path(request.path_info), getattr(settings, "SITE_DOMAIN", ""))
            # As django-csp does: a nonce asked for after the header is written is an error, not a hole.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response
