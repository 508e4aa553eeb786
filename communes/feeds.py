"""RSS and Atom feeds of news, per commune and for the portal's promoted news.

Every link is absolute and canonical: a commune's news links to the commune's own hostname even
when the feed is read under the portal path, so readers and aggregators see one address per item.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
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

    def __init__(self, items, *, page, title_prefix="Tin tức"):
        super().__init__()
        self._items = items
        self._page = page
        self._title_prefix = title_prefix
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
        return page.get_full_url(self._urls) + page.reverse_subpage(self.route_name)

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


class FeedRoutesMixin:
    """`rss/` and `atom/` under a page that has `feed_items()` (and optionally `feed_title_prefix`)."""

    feed_title_prefix = "Tin tức"

    def feed_items(self):
        raise NotImplementedError

    @path("rss/", name="rss")
    def rss(self, request):
        return NewsFeed(self.feed_items(), page=self, title_prefix=self.feed_title_prefix)(request)

    @path("atom/", name="atom")
    def atom(self, request):
        return AtomNewsFeed(self.feed_items(), page=self, title_prefix=self.feed_title_prefix)(request)
