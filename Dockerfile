# The production image: one image, three roles chosen by the command (README "Production deployment"):
#   web (default)   gunicorn -c cms/gunicorn.conf.py cms.wsgi
#   worker          python manage.py db_worker --queue-name '*'
#   scheduler       python manage.py run_scheduler            (one per installation; a second one waits)
#   migrate (once)  sh -c "python manage.py migrate --noinput && python manage.py createcachetable"
# System packages: postgresql-client (pg_dump 15 for `manage.py backup`), espeak-ng and ffmpeg (radio speech).
# Build: docker build -t cms .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/cms STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/cms/media PORT=8000

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g libwebp7 \
        postgresql-client espeak-ng ffmpeg \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin cms

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=cms:cms . .
# collectstatic needs settings but no database or real secret.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/cms/media /var/lib/cms/private && chown -R cms:cms /var/lib/cms

USER cms
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

# Serve only: migrations are a one-off step before the new version starts (deploy/docker-compose.yml's
# `migrate` service), never run by every replica at once. Exec form: gunicorn gets SIGTERM itself.
CMD ["gunicorn", "-c", "cms/gunicorn.conf.py", "cms.wsgi"]
