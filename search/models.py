"""Commune-scoped search data. Wagtail's own promotions and query logs are global across sites, so a
commune's editors could see (and steer) another commune's search; these are keyed to one commune."""

import re

from django.db import models
from django.utils import timezone

from core.folding import search_text
from sites.tenancy import SHARED_READ, CommuneOwnedQuerySet, Tenancy

# Long digit runs in a query are likely phone or ID numbers (Law 91/2025): never stored.
_LONG_NUMBER = re.compile(r"\d{7,}")


def query_key(query):
    return search_text(query)[:200]


class SearchPromotion(models.Model):
    """A result an editor pins to the top of their commune's search for a query (kết quả đề xuất)."""

    tenancy = Tenancy("commune")

    commune = models.ForeignKey(
        "communes.CommuneHomePage", verbose_name="xã", on_delete=models.CASCADE, related_name="search_promotions"
    )
    query = models.CharField("từ khóa tìm kiếm", max_length=200,
                             help_text="Không phân biệt dấu, hoa thường: “đắk la” cũng là “dak la”.")
    query_key = models.CharField(max_length=200, editable=False, db_index=True)
    page = models.ForeignKey("wagtailcore.Page", verbose_name="trang đề xuất", on_delete=models.CASCADE,
                             related_name="+")
    description = models.CharField("mô tả ngắn", max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả tìm kiếm đề xuất"
        verbose_name_plural = "kết quả tìm kiếm đề xuất"
        ordering = ["commune_id", "query_key", "sort_order", "pk"]

    def __str__(self):
        return f"{self.query} → {self.page.title}"

    def save(self, *args, **kwargs):
        self.query_key = query_key(self.query)
        super().save(*args, **kwargs)


class SearchSynonym(models.Model):
    """An abbreviation citizens type and the phrase official text writes (BHYT ↔ bảo hiểm y tế).

    The portal's list (no commune) is kept by portal staff and applies to every search; commune staff read
    it and add their commune's own (a local body, a programme's short name), which apply to that commune's
    search only, so no commune changes what another commune's (or the portal's) search finds.
    """

    tenancy = Tenancy("commune", shared_rows=SHARED_READ)

    commune = models.ForeignKey(
        "communes.CommuneHomePage", verbose_name="xã", null=True, blank=True, on_delete=models.CASCADE,
        related_name="search_synonyms",
        help_text="Để trống: dùng cho mọi tìm kiếm của cổng và các xã (chỉ quản trị cổng được sửa).",
    )
    abbreviation = models.CharField("từ viết tắt", max_length=30, help_text="Ví dụ: BHYT, UBND, CCCD.")
    phrase = models.CharField("cụm từ đầy đủ", max_length=120, help_text="Ví dụ: bảo hiểm y tế.")
    abbreviation_key = models.CharField(max_length=30, editable=False, db_index=True)
    phrase_key = models.CharField(max_length=120, editable=False)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "từ đồng nghĩa khi tìm kiếm"
        verbose_name_plural = "từ đồng nghĩa khi tìm kiếm"
        ordering = ["abbreviation_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "abbreviation_key", "phrase_key"],
                                    name="search_synonym_unique_per_commune"),
            models.UniqueConstraint(fields=["abbreviation_key", "phrase_key"], condition=models.Q(commune__isnull=True),
                                    name="search_synonym_unique_portal"),
        ]

    def __str__(self):
        return f"{self.abbreviation} ↔ {self.phrase}"

    @property
    def scope_label(self):
        return self.commune.title if self.commune_id else "Toàn cổng"

    def save(self, *args, **kwargs):
        self.abbreviation_key = search_text(self.abbreviation)[:30]
        self.phrase_key = search_text(self.phrase)[:120]
        super().save(*args, **kwargs)


class SearchQueryStat(models.Model):
    """How often a (folded) query was searched on one day, on a commune site or (commune empty) the portal."""

    tenancy = Tenancy("commune")  # the portal's rows (no commune) are portal staff's

    commune = models.ForeignKey("communes.CommuneHomePage", verbose_name="xã", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="search_query_stats")
    query_key = models.CharField("từ khóa", max_length=200)
    date = models.DateField("ngày")
    hits = models.PositiveIntegerField("số lượt tìm", default=0)
    results_count = models.PositiveIntegerField("số kết quả (lần gần nhất)", default=0)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "thống kê từ khóa tìm kiếm"
        verbose_name_plural = "thống kê từ khóa tìm kiếm"
        constraints = [models.UniqueConstraint(fields=["commune", "query_key", "date"], name="search_stat_unique_day")]
        indexes = [models.Index(fields=["commune", "date"])]

    def __str__(self):
        return f"{self.query_key} ({self.date:%d/%m/%Y}): {self.hits}"


def sanitised_query(query):
    """The query as statistics may keep it: long digit runs (phone, ID numbers) become `#`."""
    return _LONG_NUMBER.sub("#", query)


def query_stats_purge(days=365, dry_run=False):
    """Query statistics are kept for a year (retention limit); run from a periodic task
    (`manage.py search_purge_query_stats`). Returns how many daily rows were (or would be) deleted."""
    rows = SearchQueryStat.objects.filter(date__lt=timezone.localdate() - timezone.timedelta(days=days))
    if dry_run:
        return rows.count()
    deleted, _by_model = rows.delete()
    return deleted
