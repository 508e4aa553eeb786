"""RSS and Atom feeds of news, per commune and for the portal's promoted news."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags


class NewsFeed(Feed):
    def __init__(self, items, title_prefix="Tin tức"):
        super().__init__()
        self._items = items
        self._title_prefix = title_prefix

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        from wagtail.models import Site

        return Site.find_for_request(request)

    def title(self, site):
        return f"{self._title_prefix} - {site.site_name or site.hostname}"

    def link(self, site):
        return site.root_url + "/"

    def description(self, site):
        return self.title(site)

    def items(self):
        return list(self._items[:30])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(item.intro)

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        from datetime import datetime, time

        from django.utils import timezone

        return timezone.make_aware(datetime.combine(item.date, time(7, 0)))

    def item_updateddate(self, item):
        return item.last_published_at


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
