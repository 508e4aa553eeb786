"""Portal pages: the district (or, since the 2025 reform, province) portal above the communes."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.models import Page
from wagtail.search import index

from communes.feeds import FeedRoutesMixin
from communes.models import CommuneHomePage, LegalDocumentPage, NewsPage, with_card_images
from core.folding import fold, search_text
from core.pagination import paginate
from sites.models import SiteIdentity, identity_tabs
from sites.pages import PORTAL, SiteHomeMixin, SitePageMixin, public_pages
from sites.site_index import site_index

# The portal home lists its communes when they are this many or fewer (a district, most provinces); beyond,
# it offers the directory's own page, so the home costs the same at 3,321 communes as at 11.
DIRECTORY_ON_HOME = 100
DIRECTORY_PAGE_SIZE = 100


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
        """The communes the home lists, or None when they are more than DIRECTORY_ON_HOME (the home then
        offers `directory_page`).

        At most one query, of at most DIRECTORY_ON_HOME + 1 rows, and none on a portal with more homes
        than that: the site index counts the homes with a site (nearly every commune has its own)."""
        if site_index().home_count > DIRECTORY_ON_HOME + 1:  # the portal's home and its communes'
            return None
        communes = list(self.communes()[: DIRECTORY_ON_HOME + 1])
        if len(communes) > DIRECTORY_ON_HOME:  # communes without a site of their own: the index missed them
            return None
        # Vietnamese order puts Đ right after D; folding (đ → d) sorts it there, code points do not.
        communes.sort(key=lambda c: (fold(c.unit.name), c.unit.name))
        return self.with_site_urls(communes)

    @staticmethod
    def with_site_urls(communes):
        """Gives each commune `site_url`: its own hostname (its portal path if it has no site).

        No query: the sites come from the site index."""
        index = site_index()
        for commune in communes:
            # Of several sites on one commune, the last in Wagtail's order of sites (by name) links it.
            sites = sorted(index.sites_rooted_at(commune.pk),
                           key=lambda site: ((site.site_name or site.hostname).lower(), site.hostname.lower()))
            commune.site_url = sites[-1].root_url + "/" if sites else commune.url
        return communes

    @path("cac-xa/", name="directory")
    def directory_page(self, request):
        """Every commune, DIRECTORY_PAGE_SIZE a page, found by name typed with or without diacritics.

        Ordered by the registry's codename (`xa_dak_la`): the folded name, so Đ sorts with D, in SQL."""
        query = (request.GET.get("q") or "").replace("\x00", "")[:100]
        communes = self.communes().order_by("unit__codename", "unit__name", "pk")
        words = search_text(query).split()
        for word in words:
            communes = communes.filter(unit__codename__contains=word)
        page_obj = paginate(request, communes, per_page=DIRECTORY_PAGE_SIZE)
        page_obj.object_list = self.with_site_urls(list(page_obj.object_list))
        return self.render(request, template="home/commune_directory.html",
                           context_overrides={"page_obj": page_obj, "query": query.strip()})

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
