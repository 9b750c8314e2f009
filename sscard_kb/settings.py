"""Settings for sscard-kb.

Every value that differs between machines is read from the environment here,
in one place; `.env.example` lists the variables.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    """An environment variable; set but empty counts as unset."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name, default=False):
    value = env(name)
    return value.lower() in {"1", "true", "yes", "on"} if value else default


def env_int(name, default=0):
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

_INSECURE_KEY = "django-insecure-development-key-do-not-use-in-production"
_PLACEHOLDER_KEY = "change-me-to-a-long-random-string"  # the value in .env.example
SECRET_KEY = env("SECRET_KEY")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or set DEBUG=true "
            "for local development (see .env.example)."
        )
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure")
        or SECRET_KEY == _PLACEHOLDER_KEY
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is not a real secret: use at least 50 random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
SECRET_KEY = SECRET_KEY or _INSECURE_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "sscard_kb.accounts",  # before the admin: its admin templates (sign-in with a code) come first
    "sscard_kb.accounts.apps.StaffAdminConfig",  # django.contrib.admin with the site's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "legal_refs",
    "articles",
    "search",
]

MIDDLEWARE = [
    "sscard_kb.middleware.RequestIdMiddleware",  # first: every later log line of a request carries its id
    "sscard_kb.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "serving.middleware.ReaderPageMiddleware",  # reader pages from the cache; 503 when the database is down
    # The language of the URL's prefix (else the browser's), active while the URL is resolved and the page built;
    # below the page cache, so a cached page is served without it (its address carries its language).
    "serving.languages.LanguageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content Security Policy (Django's own middleware): the site runs no inline script or style and loads
# nothing from elsewhere; JSON-LD blocks are data, not script, so they need no exception.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

ROOT_URLCONF = "sscard_kb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {"page_meta": "sscard_kb.templatetags.page_meta", "fragments": "serving.templatetags"},
        },
    },
]

WSGI_APPLICATION = "sscard_kb.wsgi.application"

# No DATABASE_URL: an SQLite file in the project (the embedded default).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Deadlines, so that a database that is down or hung gives a 503 within seconds, never a hung worker:
    # connecting, each statement on the server, and unacknowledged data on the client side (libpq's
    # tcp_user_timeout, in ms; keepalives find a connection whose server vanished while it was idle).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 3),
        "options": f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT', 10) * 1000}",
        "tcp_user_timeout": env_int("DB_CONNECT_TIMEOUT", 3) * 1000,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 2,
        "keepalives_count": 3,
    }
# The web server's deadline on each PostgreSQL round trip, in seconds (serving/deadline.py, installed by wsgi.py
# and asgi.py): a server that is stopped but still reachable gives a 503 after this long instead of a hung worker.
DB_CLIENT_TIMEOUT = env_int("DB_CLIENT_TIMEOUT", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache shared by every worker (reader pages, rate limits): Redis when REDIS_URL is set (several app
# servers); else, with DEBUG off, files under CACHE_DIR that the workers of one machine share; under DEBUG
# (make run) and in tests, the process's memory.
REDIS_URL = env("REDIS_URL")
# Names the code being served in the keys of cached pages and fragments (serving.pages.release), so that a deploy
# never serves pages built by the code before it. Unset: a digest of the code, templates, catalogues and static files.
RELEASE = env("RELEASE")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "serving.cache.RedisCache",  # Django's, with its redis-py clients reused
            "LOCATION": REDIS_URL,
            # A Redis that is down or hung costs a second at most: the site then serves from the database.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif not DEBUG and not env_bool("TESTING"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": Path(env("CACHE_DIR") or BASE_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sscard-kb"}}
# What `{% cache … using="template_fragments" %}` keeps: the parts of every page that depend on the language alone
# (the head's links, the header's name and search box, the footer), rendered once per process and language and kept
# until the process ends, so only what changes with a deploy may go in it. Under DEBUG nothing is kept, so that an
# edited template shows at once.
CACHES["template_fragments"] = {
    "BACKEND": (
        "django.core.cache.backends.dummy.DummyCache" if DEBUG else "django.core.cache.backends.locmem.LocMemCache"
    ),
    "LOCATION": "sscard-kb-chrome",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every reader URL carries its language (/zh-hans/…, /en/…: serving.languages); the browser's Accept-Language
# chooses only where `/` leads and the language of the admin. Chinese when the browser asks for neither.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The compiled catalogues (django.mo) are committed: `make messages` makes and compiles them.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
    # Only once every subdomain serves HTTPS; preload only when the domain is (to be) on the browsers' list.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")

# Logs go to standard error, one line per record: a JSON object (LOG_FORMAT=json, the default with DEBUG off) or
# text (the default under DEBUG). Django's loggers hand their records to the root handler only (no second copy).
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOG_LEVEL = env("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "sscard_kb.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "sscard_kb.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Named here so that their default handlers (Django's DEBUG console and runserver's) are removed.
        "django": {"level": LOG_LEVEL, "propagate": True},
        # runserver's line per request repeats sscard_kb.request's: only its problems are kept.
        "django.server": {"level": "WARNING", "propagate": True},
    },
}

# The Markdown editor (django-markdownx). It renders with the site's one renderer; its preview
# and upload endpoints are admin views of the answer admin (staff who may change answers only).
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/admin/articles/answer/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/articles/answer/upload/"
MARKDOWNX_MEDIA_PATH = "markdownx/"
# Uploads: PNG and JPEG only (decided by content), at most 5 MiB and 25 megapixels;
# re-encoded and scaled down to fit 1600 × 1600 pixels.
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/png", "image/jpeg")
MARKDOWNX_SKIP_RESIZE = ()
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}
EDITOR_IMAGE_MAX_PIXELS = 25_000_000

# Serving reader pages (the serving package): the cache that holds them, and the function giving the next
# date a law wording takes effect (a page expires then). Search is limited per client: SEARCH_RATE_LIMIT
# requests per SEARCH_RATE_WINDOW seconds; the client is REMOTE_ADDR, or behind a proxy (BEHIND_TLS_PROXY)
# the first X-Forwarded-For entry.
READER_PAGES_CACHE = "default"
READER_PAGES_NEXT_CHANGE = "legal_refs.pages.next_wording_change"
# Bytes of reader pages and page fragments each worker (each thread) keeps copies of, served with no round trip to
# Redis while the content is unchanged (serving.pages.LocalPages; with REDIS_URL only). 0: none.
READER_PAGES_LOCAL_BYTES = max(0, env_int("LOCAL_PAGES_MB", 16)) * 2**20
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 30)
SEARCH_RATE_WINDOW = env_int("SEARCH_RATE_WINDOW", 10)
# Days a row of the search log (search.log) is kept; `manage.py flush_search_log` deletes older ones.
SEARCH_LOG_KEEP_DAYS = env_int("SEARCH_LOG_KEEP_DAYS", 400)
# Where a search is counted (search.log): in the shared cache when it is Redis (atomic counters every app server
# shares; `flush_search_log` moves them to the table), else straight into the table, one write after the results
# (one machine: neither the file cache nor a process's memory can count for all workers and commands).
SEARCH_LOG_COUNTS_IN = env("SEARCH_LOG_COUNTS_IN", "cache" if REDIS_URL or env_bool("TESTING") else "database")
if SEARCH_LOG_COUNTS_IN not in {"cache", "database"}:
    raise ImproperlyConfigured(f"SEARCH_LOG_COUNTS_IN must be “cache” or “database”, not “{SEARCH_LOG_COUNTS_IN}”.")
# Readers' feedback on answers (articles.feedback): FEEDBACK_RATE_LIMIT posts per client in each window of
# FEEDBACK_RATE_WINDOW seconds; a free-text comment is blanked FEEDBACK_COMMENT_RETENTION_DAYS after the feedback
# is done (`manage.py purge_feedback_comments`).
FEEDBACK_RATE_LIMIT = env_int("FEEDBACK_RATE_LIMIT", 10)
FEEDBACK_RATE_WINDOW = env_int("FEEDBACK_RATE_WINDOW", 10 * 60)
FEEDBACK_COMMENT_RETENTION_DAYS = env_int("FEEDBACK_COMMENT_RETENTION_DAYS", 180)

# Staff accounts (sscard_kb.accounts, docs/operations.md).
# Behind the TLS proxy, the client's address is the first entry of X-Forwarded-For, which the proxy sets.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
# Admin sign-in is refused for LOGIN_LOCK_SECONDS after this many failures for one account or from one address.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_CLIENT = env_int("LOGIN_FAILURES_PER_CLIENT", 20)
LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 15 * 60)
# Publishers (and superusers) sign in with an authenticator code as well, once the operator turns this on.
REQUIRE_2FA_FOR_PUBLISHERS = env_bool("REQUIRE_2FA_FOR_PUBLISHERS")
TOTP_ISSUER = env("TOTP_ISSUER", "sscard-kb")
# Password reset by email (Django's MAILERS): EMAIL_BACKEND is the console under DEBUG and SMTP otherwise, to
# EMAIL_HOST (port EMAIL_PORT, else 25, or 587 with EMAIL_USE_TLS) as EMAIL_HOST_USER / EMAIL_HOST_PASSWORD.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email_backend = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP_BACKEND)
MAILERS = {"default": {"BACKEND": _email_backend}}
if _email_backend == _SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT") or None,
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The site's address (https://kb.example.org), for the links in notifications sent outside a request (unset:
# paths only). Notifications are mailed unless EMAIL_BACKEND is the console or dummy backend (serving.mail).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# Review against the law (articles.review, docs/editing.md): readers' feedback turns negative when the last
# REVIEW_FEEDBACK_DAYS days, since the answer was last checked, hold at least REVIEW_FEEDBACK_MIN_NO "No" and
# more "No" than "Yes". `manage.py review_reminders` mails each responsible editor (see SITE_URL above).
REVIEW_FEEDBACK_MIN_NO = 5
REVIEW_FEEDBACK_DAYS = 30

# /metrics (Prometheus): from these addresses, or with `Authorization: Bearer $METRICS_TOKEN`; 404 otherwise.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = env("METRICS_TOKEN")

# Request bodies: form fields at most 4 MiB (an answer at the search index's cap, URL-encoded, is under 2 MB);
# a file over 1 MiB goes to a temporary file, not memory (uploads stop at MARKDOWNX_UPLOAD_MAX_SIZE while read).
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
