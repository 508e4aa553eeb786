"""Portal pages: the district (or, since the 2025 reform, province) portal above the communes."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from communes.feeds import FeedRoutesMixin
from communes.models import CommuneHomePage, LegalDocumentPage, NewsPage, with_card_images
from core.folding import fold
from sites.models import SiteIdentity, identity_tabs
from sites.pages import PORTAL, SiteHomeMixin, SitePageMixin, public_pages
from sites.site_index import site_index


class PortalHomePage(SitePageMixin, FeedRoutesMixin, SiteHomeMixin, SiteIdentity, Page):
    """The portal's home; its level (district or province) is its unit's kind."""

    site_level = PORTAL
    feed_title_prefix = "Tin nổi bật"

    intro = models.TextField("giới thiệu ngắn", blank=True, max_length=600)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "communes.CommuneHomePage",
        "communes.NewsIndexPage",
        "communes.DocumentIndexPage",
        "communes.OrganisationPage",
        "communes.StandardPage",
        "questions.QuestionIndexPage",
    ]
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = identity_tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = "trang chủ cổng thông tin"
        verbose_name_plural = "trang chủ cổng thông tin"

    def communes(self):
        """The commune directory, by official name."""
        return (
            CommuneHomePage.objects.live().child_of(self).filter(locale=self.locale)
            .select_related("unit").order_by("unit__name")
        )

    def directory(self):
        """The communes, each with `site_url`: its own hostname (its portal path if it has no site).

        One query whatever the number of communes: their sites come from the site index."""
        # Vietnamese order puts Đ right after D; folding (đ → d) sorts it there, code points do not.
        communes = sorted(self.communes(), key=lambda c: (fold(c.unit.name), c.unit.name))
        index = site_index()
        for commune in communes:
            # Of several sites on one commune, the last in Wagtail's order of sites (by name) links it.
            sites = sorted(index.sites_rooted_at(commune.pk),
                           key=lambda site: ((site.site_name or site.hostname).lower(), site.hostname.lower()))
            commune.site_url = sites[-1].root_url + "/" if sites else commune.url
        return communes

    def promoted_news(self, count=8):
        """The latest news that communes promoted to the portal, each knowing its commune.

        The communes are looked up once by tree path, not once per news card.
        """
        news = list(with_card_images(
            public_pages(NewsPage.objects.live().descendant_of(self)).filter(promote_to_portal=True, locale=self.locale_id)
            .order_by("-date", "-pk")
        )[:count])
        prefixes = {item.path[: (self.depth + 1) * NewsPage.steplen] for item in news}
        communes = {c.path: c for c in CommuneHomePage.objects.filter(path__in=prefixes)} if prefixes else {}
        for item in news:
            item.commune = communes.get(item.path[: (self.depth + 1) * NewsPage.steplen])
        return news

    def feed_items(self):
        return self.promoted_news(count=30)

    def document_feed_items(self, count=30):
        """The latest legal documents of the portal and all its communes: one query, whatever their number."""
        return public_pages(LegalDocumentPage.objects.live().descendant_of(self).filter(locale=self.locale_id)).order_by(
            "-issue_date", "-pk")[:count]
