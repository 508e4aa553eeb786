"""RSS and Atom feeds: news per commune, per news category and the portal's promoted news; legal
documents per commune and, for the portal, of every commune (one query, however many communes).

Every link is absolute and canonical: a commune's news links to the commune's own hostname even
when the feed is read under the portal path, so readers and aggregators see one address per item.
Feeds are routes under their page, so the page cache tags and drops them with their site
(cms/caching.py) and answers If-None-Match / If-Modified-Since with 304.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from wagtail.contrib.routable_page.models import path

from sites.pages import canonical_urls

FEED_SIZE = 30


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "vi"
    route_name = "rss"  # the feed's own route under its page, for the feed's self link

    def __init__(self, items, *, page, title_prefix="Tin tức", route_args=()):
        super().__init__()
        self._items = items
        self._page = page
        self._title_prefix = title_prefix
        self._route_args = route_args
        self._urls = canonical_urls()

    def get_object(self, request, *args, **kwargs):
        return self._page

    def _home(self, page):
        """The site the feed speaks for: the commune, else the portal."""
        return getattr(page, "agency", None) or page

    def title(self, page):
        return f"{self._title_prefix} - {self._home(page).title}"

    def link(self, page):
        return page.get_full_url(self._urls)

    def feed_url(self, page):
        return page.get_full_url(self._urls) + page.reverse_subpage(self.route_name, args=self._route_args)

    def description(self, page):
        home = self._home(page)
        return f"{self._title_prefix} của {getattr(home, 'agency_name', '') or home.title}"

    def author_name(self, page):
        return getattr(self._home(page), "agency_name", None)

    def feed_copyright(self, page):
        return getattr(self._home(page), "agency_name", None)

    def items(self, page):
        return list(self._items[:FEED_SIZE])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(item.intro) or item.title

    def item_link(self, item):
        return item.get_full_url(self._urls)

    def item_guid(self, item):
        return item.get_full_url(self._urls)

    item_guid_is_permalink = True

    def item_categories(self, item):
        return [item.get_category_display()]

    def item_pubdate(self, item):
        # News carry a date, not a time; first publication gives the time when it fell on that day.
        published = item.first_published_at and timezone.localtime(item.first_published_at)
        if published and published.date() == item.date:
            return published
        return timezone.make_aware(datetime.combine(item.date, time(7, 0)))

    def item_updateddate(self, item):
        return item.last_published_at


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    route_name = "atom"

    def subtitle(self, page):
        return self.description(page)


class CategoryNewsFeed(NewsFeed):
    route_name = "category_rss"


class AtomCategoryNewsFeed(AtomNewsFeed):
    route_name = "category_atom"


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


class DocumentFeed(NewsFeed):
    """Legal documents, newest issue date first: number, type, issue date and summary in each item."""

    route_name = "documents_rss"

    def item_title(self, item):
        return f"{item.get_document_type_display()} số {item.number}"

    def item_description(self, item):
        parts = [
            f"Số ký hiệu: {item.number}",
            f"Hình thức: {item.get_document_type_display()}",
            f"Ngày ban hành: {_date(item.issue_date)}",
            f"Cơ quan ban hành: {item.issuing_body}",
        ]
        if item.effective_date:
            parts.append(f"Ngày có hiệu lực: {_date(item.effective_date)}")
        parts.append(f"Tình trạng: {item.get_status_display()}")
        parts.append(f"Trích yếu: {item.summary}")
        return ". ".join(parts)

    def item_author_name(self, item):
        return item.issuing_body

    def item_categories(self, item):
        return [item.get_document_type_display(), item.get_field_display()]

    def item_pubdate(self, item):
        # A document carries its issue date; first publication gives the time when it fell on that day.
        published = item.first_published_at and timezone.localtime(item.first_published_at)
        if published and published.date() == item.issue_date:
            return published
        return timezone.make_aware(datetime.combine(item.issue_date, time(7, 0)))


class AtomDocumentFeed(DocumentFeed):
    feed_type = Atom1Feed
    route_name = "documents_atom"

    def subtitle(self, page):
        return self.description(page)


class FeedRoutesMixin:
    """`rss/` and `atom/` (news) and `rss/van-ban/`, `atom/van-ban/` (legal documents) under a site's home,
    which has `feed_items()`, `document_feed_items()` and optionally `feed_title_prefix`."""

    feed_title_prefix = "Tin tức"
    document_feed_title_prefix = "Văn bản"

    def feed_items(self):
        raise NotImplementedError

    def document_feed_items(self):
        raise NotImplementedError

    @path("rss/van-ban/", name="documents_rss")
    def documents_rss(self, request):
        return DocumentFeed(self.document_feed_items(), page=self, title_prefix=self.document_feed_title_prefix)(request)

    @path("atom/van-ban/", name="documents_atom")
    def documents_atom(self, request):
        return AtomDocumentFeed(self.document_feed_items(), page=self,
                                title_prefix=self.document_feed_title_prefix)(request)

    @path("rss/", name="rss")
    def rss(self, request):
        return NewsFeed(self.feed_items(), page=self, title_prefix=self.feed_title_prefix)(request)

    @path("atom/", name="atom")
    def atom(self, request):
        return AtomNewsFeed(self.feed_items(), page=self, title_prefix=self.feed_title_prefix)(request)


class CategoryFeedRoutesMixin:
    """`chuyen-muc/<category>/rss/` and `.../atom/` under a news index (which has `category_choices()` and
    `category_news(category)`): its news of one category."""

    def category_feed(self, request, category, feed_class):
        label = dict(self.category_choices()).get(category)
        if label is None:
            raise Http404("Không có chuyên mục này.")
        items = self.category_news(category)
        return feed_class(items, page=self, title_prefix=label, route_args=(category,))(request)

    @path("chuyen-muc/<slug:category>/rss/", name="category_rss")
    def category_rss(self, request, category):
        return self.category_feed(request, category, CategoryNewsFeed)

    @path("chuyen-muc/<slug:category>/atom/", name="category_atom")
    def category_atom(self, request, category):
        return self.category_feed(request, category, AtomCategoryNewsFeed)
