"""Delete expired rows of every database cache table.

Django's database cache only culls when a table grows past MAX_ENTRIES, so expired rows (rate-limit
windows, cached fragments) otherwise stay on disk. Nothing to do with Redis.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management.base import BaseCommand
from django.db import connections, router
from django.utils import timezone


class Command(BaseCommand):
    help = "Xóa các dòng hết hạn của bộ nhớ đệm trong cơ sở dữ liệu."

    def handle(self, *args, **options):
        total = 0
        for alias in settings.CACHES:
            cache = caches[alias]
            if not isinstance(cache, DatabaseCache):
                continue
            db = router.db_for_write(cache.cache_model_class)
            connection = connections[db]
            table = connection.ops.quote_name(cache._table)
            now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
            with connection.cursor() as cursor:
                # Only the quoted table name is formatted in; the time is a parameter.
                cursor.execute(f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s", [now])  # noqa: S608
                total += cursor.rowcount
        self.stdout.write(f"Đã xóa {total} dòng bộ nhớ đệm hết hạn.")
