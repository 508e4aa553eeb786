# The production image: gunicorn serving the portal and all commune sites.
# Build: docker build -t cms .    Run: see README "Production deployment".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/cms STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/cms/media PORT=8000

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g libwebp7 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin cms

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=cms:cms . .
# collectstatic needs settings but no database or real secret.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/cms/media && chown -R cms:cms /var/lib/cms

USER cms
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

# Migrations and the cache table are idempotent; run them on every start, then serve.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py createcachetable && exec gunicorn -c cms/gunicorn.conf.py cms.wsgi"]
