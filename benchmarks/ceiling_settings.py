"""The ceiling of benchmarks/http_bench.py: the project's settings with one bare view and no middleware.

What gunicorn with cms/gunicorn.conf.py and Django can serve at best on this machine: a fixed small JSON
body (benchmarks/ceiling_urls.py), no middleware, no database. Every public page is compared with it.
"""

from cms.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.ceiling_urls"
MIDDLEWARE = []
