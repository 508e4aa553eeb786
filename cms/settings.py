"""Settings for the portal. Everything that differs between machines comes from the environment
(see the README's configuration table); nothing else should need editing per deployment."""

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cms.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key" if DEBUG else None, required=not DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [".localhost", "localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The portal is served on SITE_DOMAIN and each commune on <commune>.SITE_DOMAIN (and under the
# portal as /<commune-slug>/). In production an unknown hostname gets a 404, never another site.
SITE_DOMAIN = env_str("SITE_DOMAIN", "localhost")
# In development (`make run`, DEBUG=1) the server listens on PORT and every generated link (the Wagtail
# site records, the admin's e-mails) carries it; in production a proxy serves port 80/443.
PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
SITE_PORT = env_int("SITE_PORT", PORT if DEBUG else 80, minimum=1, maximum=65535)
STRICT_HOSTNAMES = env_bool("STRICT_HOSTNAMES", not DEBUG)

INSTALLED_APPS = [
    "cms",
    "ops",
    "sites",
    "languages",
    "home",
    "communes",
    "questions",
    "search",
    "broadcasts",
    "provisioning",
    "accounts",
    "guide",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "health_check",  # /readyz (ops/health.py) and `manage.py health_check readyz`
]

MIDDLEWARE = [
    "ops.middleware.RequestIdMiddleware",  # outermost: request id, access log, request metrics (ops/middleware.py)
    "ops.middleware.ProbeMiddleware",  # /healthz, /readyz, /metrics answer on any hostname, before the rest
    # Security headers on every response, stored or rendered, 304s included (the conditional GET below
    # builds a new response for a 304), and the HTTPS redirect before a stored page is served.
    "django.middleware.security.SecurityMiddleware",
    "cms.security.SecurityHeadersMiddleware",  # Content-Security-Policy and Permissions-Policy
    "cms.compression.TextCompressionMiddleware",  # gzip for HTML, CSS, JS, JSON, XML: last on the way out
    "django.middleware.http.ConditionalGetMiddleware",  # ETag of the final body; 304 for If-None-Match/-Modified-Since
    # The emergency banner is injected into finished pages, above the page cache, so a cached page shows
    # an alert on its next request and drops it the moment it ends (broadcasts/middleware.py).
    "broadcasts.middleware.AlertBannerMiddleware",
    # Anonymous public pages from the cache, before sessions, the page tree or templates
    # (core/pagecache.py; what drops what: cms/caching.py).
    "core.pagecache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sites.middleware.KnownHostnameMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "languages.middleware.LanguageRegistryMiddleware",  # the registry's languages, read again every few seconds
    "django.middleware.locale.LocaleMiddleware",
    "languages.middleware.VietnameseFallbackMiddleware",  # an untranslated page: the Vietnamese one, said so
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # did this session give its second factor?
    "accounts.middleware.TwoFactorMiddleware",  # the admin opens only after it (accounts/middleware.py)
    "sites.admin_scoping.AdminTenancyMiddleware",  # commune staff stay inside their communes
    "sites.translations.TranslationTenancyMiddleware",  # ... and so do their translations
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its page
]
# django-axes checks every sign-in (admin, front-end) before the password is even compared.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the demo loader or a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A database cache is shared by every worker process, unlike a per-process memory cache.
    # Culled beyond CACHE_MAX_ENTRIES rows: a province's 3,321 communes keep a site and a chrome entry each.
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cms_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50000, minimum=300)},
    }}
# Whole public pages (core/pagecache.py): in Redis when configured, else in the database cache table.
# A table of their own: the database cache culls by counting its table, and pages must not push out
# (or be pushed out by) the small entries of the default cache.
if REDIS_URL:
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cms_page_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 20000, minimum=100)},
    }
PAGE_CACHE = {
    "ALIAS": "pages",
    "ENABLED": env_bool("PAGE_CACHE", True),
    # A safety net only: entries are dropped by the changes that affect them (cms/caching.py).
    "MAX_AGE": env_int("PAGE_CACHE_MAX_AGE", 86400, minimum=1),
}
# Wagtail writes every rendition it uses to this cache; renditions never change, so a per-process
# memory cache is safe and keeps image-heavy pages from costing database writes.
CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renditions"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese (the source) and English (Nghị định 42/2022) are built in; ethnic-minority languages are data:
# languages/registry.py appends the registry's to this very list at run time, in every process, so
# Django's URL prefixes and Wagtail's content locales know them without a restart.
BUILT_IN_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LANGUAGES = list(BUILT_IN_LANGUAGES)
WAGTAIL_I18N_ENABLED = True
# A new translation is a draft, published by who may publish the page (sites/translations.py).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = list(BUILT_IN_LANGUAGES)  # the admin's own language: not the registry's
# Purge requests to the caches in front (deploy/nginx: the cache-purge module) when a change drops pages.
if env_str("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env_str("FRONTEND_CACHE_PURGE_URL"),
        },
    }
    WAGTAILFRONTENDCACHE_LANGUAGES = [code for code, _ in LANGUAGES]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["cms.formats"]
# The registry's languages get an (empty) catalogue here as they are added: Django serves a language in
# URLs only when a catalogue exists for it; their pages show the Vietnamese chrome until one is translated.
RUNTIME_LOCALE_DIR = VAR_DIR / "locale"
LOCALE_PATHS = [BASE_DIR / "locale", RUNTIME_LOCALE_DIR]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Citizens' attachments (personal data): a folder outside MEDIA_ROOT, never given a public URL.
    "private": {"BACKEND": "questions.models.PrivateAttachmentStorage"},
}
# Several application nodes share media and private attachments on S3-compatible object storage
# (README "Object storage"); local disk stays the default. Public media get plain, cacheable URLs;
# private files go to their own bucket (or the `private/` prefix of the same one), are stored with the
# bucket's private default and only ever handed out as short-lived signed URLs.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}")
if MEDIA_STORAGE == "s3":
    S3_BUCKET = env_str("S3_BUCKET", required=True)
    S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET", S3_BUCKET)
    S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "auto")
    if S3_ADDRESSING_STYLE not in ("auto", "path", "virtual"):
        raise ImproperlyConfigured(f"S3_ADDRESSING_STYLE must be auto, path or virtual, not {S3_ADDRESSING_STYLE!r}")
    _s3_common = {
        "endpoint_url": env_str("S3_ENDPOINT_URL"),  # unset: AWS; MinIO, Ceph, a Vietnamese cloud: its URL
        "region_name": env_str("S3_REGION"),
        "access_key": env_str("S3_ACCESS_KEY_ID"),  # unset: boto3's own chain (instance role, ~/.aws)
        "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
        "addressing_style": None if S3_ADDRESSING_STYLE == "auto" else S3_ADDRESSING_STYLE,
        "signature_version": "s3v4",
        "file_overwrite": False,  # a second upload of "bao-cao.pdf" gets a new name, as on disk
        "default_acl": None,  # the bucket's own policy decides; the private bucket must allow no public read
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_common,
            "bucket_name": S3_BUCKET,
            "location": "media",
            "querystring_auth": False,  # pages and their caches keep image URLs that do not expire
            "custom_domain": env_str("S3_MEDIA_DOMAIN"),  # a CDN or the bucket's public hostname, if any
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_common,
            "bucket_name": S3_PRIVATE_BUCKET,
            "location": "private",
            "querystring_auth": True,  # a URL, if one is ever made, is signed and expires
            "querystring_expire": 300,
            "custom_domain": None,  # a public CDN hostname would bypass the signature
        },
    }
# Backups (`manage.py backup`): the database, media and private attachments are encrypted with this
# Fernet key (`manage.py backup --generate-key` makes one). Several comma-separated keys: the first
# encrypts, all decrypt (key rotation). Keep it away from the backups themselves.
BACKUP_KEY = env_list("BACKUP_KEY")
for _key in BACKUP_KEY:
    if len(_key) != 44 or not _key.endswith("="):
        raise ImproperlyConfigured("BACKUP_KEY must be Fernet keys (44 characters, made by manage.py backup --generate-key).")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"no-reply@{SITE_DOMAIN}")
# Seconds before an unanswering SMTP server counts as a failed attempt (mail is sent by the worker).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1, maximum=600)

# Background work (notification e-mails, Wagtail's own tasks) is queued in the database and run by
# `manage.py db_worker` (README: "Background worker"); `make run` starts one beside the server.
# TASKS_BACKEND=immediate runs each task inside the request instead (no worker; a slow mail server
# then slows the request down).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in ("database", "immediate"):
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'immediate', not {TASKS_BACKEND!r}")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production (DEBUG off) passes `manage.py check --deploy` with no warnings.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views override this for their own iframe

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Cổng thông tin điện tử")
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin would ask releases.wagtail.io from officials' browsers
WAGTAILADMIN_BASE_URL = env_str(
    "WAGTAILADMIN_BASE_URL",
    f"https://{SITE_DOMAIN}" if SITE_PORT == 443 else f"http://{SITE_DOMAIN}" + ("" if SITE_PORT == 80 else f":{SITE_PORT}"),
)
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "zip", "jpg", "png"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # the admin's slug script folds Vietnamese first (cms/wagtail_hooks.py)
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # never send editors' e-mail hashes to gravatar.com (and CSP allows no other origin)
WAGTAILADMIN_COMMENTS_ENABLED = True

# Online Q&A (questions app).
QUESTIONS_ANSWER_WORKING_DAYS = env_int("QUESTIONS_ANSWER_WORKING_DAYS", 10, minimum=1, maximum=90)
QUESTIONS_RETENTION_DAYS = env_int("QUESTIONS_RETENTION_DAYS", 365, minimum=1)
QUESTIONS_ATTACHMENT_MAX_SIZE = env_int("QUESTIONS_ATTACHMENT_MAX_SIZE", 5 * 1024 * 1024, minimum=1024)
# Citizens' attachments are personal data: kept outside MEDIA_ROOT, served only to authorised staff.
QUESTIONS_ATTACHMENT_ROOT = env_str("QUESTIONS_ATTACHMENT_ROOT", f"{MEDIA_ROOT}-private")
# Commune radio's text-to-speech (broadcasts/tts): espeak-ng offline by default; cloud engines need their keys.
TTS_FPT_API_KEY = env_str("TTS_FPT_API_KEY", "")
TTS_FPT_URL = env_str("TTS_FPT_URL", "https://api.fpt.ai/hmi/tts/v5")
TTS_VIETTEL_TOKEN = env_str("TTS_VIETTEL_TOKEN", "")
TTS_VIETTEL_URL = env_str("TTS_VIETTEL_URL", "https://viettelai.vn/tts/speech_synthesis")
TTS_ZALO_API_KEY = env_str("TTS_ZALO_API_KEY", "")
TTS_ZALO_URL = env_str("TTS_ZALO_URL", "https://api.zalo.ai/v1/tts/synthesize")
# The device API (broadcasts/api): requests per device and registrations per address, "<requests>/<seconds>",
# counted in each worker process; how often (seconds) a device's last contact is written.
DEVICE_API_RATE_LIMIT = env_rate("DEVICE_API_RATE_LIMIT", "120/60")
DEVICE_API_REGISTER_RATE_LIMIT = env_rate("DEVICE_API_REGISTER_RATE_LIMIT", "30/3600")
DEVICE_API_SEEN_WRITE_INTERVAL_S = env_int("DEVICE_API_SEEN_WRITE_INTERVAL_S", 15, minimum=0, maximum=300)
# How many reverse proxies append to X-Forwarded-For; 0 trusts only the socket address (rate limits per IP).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)

# Officials' accounts (accounts app; README "Tài khoản cán bộ / Officials' accounts").
# Sign-in throttling: django-axes with its database handler, so every worker counts the same failures.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)  # wrong passwords per account
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30, minimum=1)  # per client address
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)  # the window failures count in, and the lock
AXES_HANDLER = "accounts.throttling.LoginThrottleHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own limit (accounts/throttling.py)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"  # honours TRUSTED_PROXY_COUNT, like every rate limit
AXES_USERNAME_CALLABLE = "accounts.throttling.username_for_throttling"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the audit trail: every failure, with address and time
# Two-factor login (django-otp): required of portal staff and superusers in production; a commune's
# staff when their commune's switch is on (admin: Settings → Xác thực hai lớp theo xã).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME  # the account's name in the authenticator app
# Moderation emails go to the commune's approvers only (accounts/notifications.py), not every superuser.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# Shared page and collection passwords cannot be throttled per account: restrict to signed-in users instead.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"password": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"password": False}

# Search: Wagtail's database backend by default; Elasticsearch when ELASTICSEARCH_URL is set.
from search.backends import search_backends  # noqa: E402

WAGTAILSEARCH_BACKENDS = search_backends(
    env_str("ELASTICSEARCH_URL"),
    env_str("ELASTICSEARCH_INDEX", "cms"),
    elasticsearch_version=env_int("ELASTICSEARCH_VERSION", 8, minimum=7, maximum=9),  # the server's major version
    database_fallback=env_bool("SEARCH_DATABASE_FALLBACK", True),  # also index in the database, served if ES fails
)

# Operations (ops app; README "Scheduled jobs", "Health and metrics", "Logs").
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 20, minimum=1, maximum=300)  # how often due jobs are looked for
READINESS_TIMEOUT_SECONDS = env_int("READINESS_TIMEOUT_SECONDS", 3, minimum=1, maximum=60)  # per check of /readyz
READINESS_TASK_MAX_WAIT_SECONDS = env_int("READINESS_TASK_MAX_WAIT_SECONDS", 600, minimum=10)  # oldest waiting task
READINESS_MIN_FREE_DISK_MB = env_int("READINESS_MIN_FREE_DISK_MB", 1024, minimum=0)  # for media and attachments
# /readyz and /metrics: a bearer token from anywhere, or these client addresses/networks (ops/access.py).
MONITORING_TOKEN = env_str("MONITORING_TOKEN", "")
MONITORING_ALLOWED_IPS = env_list("MONITORING_ALLOWED_IPS", ["127.0.0.1", "::1"])
for _network in MONITORING_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"MONITORING_ALLOWED_IPS: {_network!r} is not an address or network.") from None

# Logs: JSON lines in production (one object per line, with request id, host, commune, user id and
# timings: ops/logs.py), plain text in development.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "ops.logs.json_formatter"},
        "text": {"()": "ops.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "filters": {
        # Request id, host, commune and user id on every record written while a request is served.
        "request_context": {"()": "ops.logs.RequestContextFilter"},
        # One short line per refused Host header, no traceback (cms/log_filters.py).
        "disallowed_host_one_line": {"()": "cms.log_filters.DisallowedHostOneLine"},
    },
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR", "filters": ["disallowed_host_one_line"]},
        # ops.request writes one line per request; Django's own server line would repeat it.
        "django.server": {"level": "WARNING"},
        # ... and Django's warning for every 4xx (a device flooding with a bad token, a scanner's 404s) too;
        # its 5xx records (with the traceback) stay.
        "django.request": {"level": "ERROR"},
        # A failing readiness part is in /readyz's answer and in /metrics: no traceback at every probe.
        "health_check": {"level": "ERROR"},
    },
}
