"""Compression of text responses (HTML, CSS, JS, JSON, XML, feeds) for slow mobile data.

Django's GZipMiddleware, limited to text: images, audio and PDFs are compressed already, and squeezing
them again costs CPU for nothing. Django pads each response with random bytes against BREACH.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = (
    "text/", "application/json", "application/xml", "application/atom+xml", "application/rss+xml",
    "application/javascript", "application/geo+json", "image/svg+xml",
)


class TextCompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if not content_type.startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
