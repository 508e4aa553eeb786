"""Which commune a request is for, cheaply: for log records and the metrics' site label."""

import time

from wagtail.models import Site

from sites.models import CommuneSite, Portal

MAP_SECONDS = 60  # how long a process trusts its hostname → commune map


class CommuneMap:
    """hostname → commune code, and for portal hostnames first path segment → commune code.

    Built from one query and kept for a minute per process, so naming the commune costs a request two
    dictionary look-ups. The code is the official unit code (`23524`), the same in logs and metrics.
    """

    def __init__(self):
        self.loaded_at = None
        self.by_host = {}
        self.by_slug = {}
        self.portal_hosts = set()

    def load(self):
        by_host, by_slug = {}, {}
        for hostname, code, slug in CommuneSite.objects.values_list("site__hostname", "unit__code", "home__slug"):
            if hostname:
                by_host[hostname.lower()] = code
            by_slug[slug] = code
        portal_roots = Portal.objects.values_list("home_id", flat=True)
        portal_hosts = {h.lower() for h in Site.objects.filter(root_page_id__in=portal_roots).values_list("hostname", flat=True)}
        self.by_host, self.by_slug, self.portal_hosts = by_host, by_slug, portal_hosts
        self.loaded_at = time.monotonic()

    def commune_for(self, host, path):
        if self.loaded_at is None or time.monotonic() - self.loaded_at > MAP_SECONDS:
            try:
                self.load()
            except Exception:  # noqa: BLE001 - naming the commune in a log line must never fail the request
                self.loaded_at = time.monotonic()  # try again in a minute; the request goes on
        if host in self.by_host:
            return self.by_host[host]
        if host in self.portal_hosts:
            segments = [s for s in path.split("/") if s]
            if segments and segments[0] == "en":
                segments = segments[1:]
            if segments:
                return self.by_slug.get(segments[0])
        return None

    def site_label(self, host, path):
        """For metrics: the commune's code, `portal`, or `other` (a bounded set of labels)."""
        commune = self.commune_for(host, path)
        if commune:
            return commune
        return "portal" if host in self.portal_hosts else "other"


communes = CommuneMap()
