from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import caching
from languages import sitemaps as language_sitemaps
from ops.health import ReadinessView
from ops.metrics import metrics_view
from sites import views as site_views

# Not found: in the look of the site whose address was mistyped. 400, 403 and CSRF failures
# are Django's own views with the templates in templates/, which need no database.
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"  # Django's, plus the request id a citizen can quote

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    # Readiness and metrics, for monitoring only (ops/access.py); all three answer on any hostname.
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("robots.txt", caching.cached(site_views.robots_txt, caching.tag_site_response), name="robots_txt"),
    path("sitemap.xml", caching.cached(language_sitemaps.sitemap, caching.tag_sitemap_response), name="sitemap"),
    path("quan-tri/", include(wagtailadmin_urls)),
    path("tai-lieu/", include(wagtaildocs_urls)),
    path("", include("broadcasts.urls")),  # the device API and the board player
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Vietnamese pages live at /, their English translations at /en/.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
