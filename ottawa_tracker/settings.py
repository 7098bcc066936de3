"""Settings for Ottawa Tracker, one module driven by environment variables.

With nothing set it runs embedded: SQLite in the project folder, Celery tasks run
eagerly in-process, DEBUG off. Every variable is listed in `.env.example`.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from ottawa_tracker.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # Fail fast, as cookiecutter-django's production settings do. `make run`
        # generates a key into the git-ignored .secret_key file and exports it.
        raise ImproperlyConfigured("Set SECRET_KEY (or DJANGO_DEBUG=1 for a throwaway development key).")
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105 - used only with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    # Login throttling (django-axes) and the Content-Security-Policy header (django-csp): see "Security" below.
    "axes",
    "csp",
    "countries",
    "treaties",
    # The JSON API (/api/v1/), its OpenAPI schema and docs served from the sidecar package: see "API" below.
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # The project package itself, for its admin (the lockout list's "Unlock" action, ottawa_tracker/admin.py).
    "ottawa_tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files and every error page carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache, ETag and 304s; above sessions, so a hit makes no query (see "Caching" below).
    "ottawa_tracker.http_cache.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, with the admin in the user's language (ottawa_tracker/i18n.py).
    "ottawa_tracker.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out login into the lockout page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ottawa_tracker.urls"
WSGI_APPLICATION = "ottawa_tracker.wsgi.application"

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
        },
    },
]

# Database: https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/ottawa; SQLite in the project folder when unset.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer gives the 503 page after this many seconds instead of holding requests.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Languages (issue 16): English at today's unprefixed URLs, French and Spanish under /fr/ and /es/
# (ottawa_tracker/urls.py, i18n_patterns); the admin follows the user's language (ottawa_tracker/i18n.py).
# "en" keeps British formats (d/m/Y input, "3 Dec 1997"): ottawa_tracker/formats/en/formats.py.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ottawa_tracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise: https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Cache: Redis when REDIS_URL is set (https://docs.djangoproject.com/en/5.2/topics/cache/#redis),
# otherwise a per-process memory cache.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache with one client per pool instead of one per call (ottawa_tracker/redis_cache.py).
            "BACKEND": "ottawa_tracker.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Room for the stored pages (ottawa_tracker/http_cache.py) beside the summaries; Django's default is 300.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCMEM_CACHE_MAX_ENTRIES", 2000)},
        }
    }

# Caching of public pages (ottawa_tracker/http_cache.py): RESPONSE_CACHE turns it all off (pages, ETag, 304s).
# A page is stored for RESPONSE_CACHE_SECONDS under the data version (0: headers and 304s only); the summary
# marks' part of the version is re-read from the database every DATA_VERSION_SECONDS (sooner after a change).
RESPONSE_CACHE = env_bool("RESPONSE_CACHE", default=True)
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 600)
DATA_VERSION_SECONDS = env_int("DATA_VERSION_SECONDS", 5)
# On Redis, each process keeps the data version this long while it hears every change (0: read it per request).
VERSION_MEMO_SECONDS = env_float("VERSION_MEMO_SECONDS", 1.0)
# Each process also keeps the pages it served last in memory, up to this many bytes of bodies.
RESPONSE_LOCAL_BYTES = env_int("RESPONSE_LOCAL_BYTES", 32 * 1024 * 1024)
RESPONSE_CACHE_CONTROL = env_str("RESPONSE_CACHE_CONTROL", "public, max-age=60, stale-while-revalidate=600")

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
# With no CELERY_BROKER_URL tasks run eagerly in-process (the embedded mode).
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
# Eager tasks never reach a broker; kombu's in-memory transport stands in so nothing looks for one on localhost.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
# The queue tasks go to; a queue of its own lets several deployments (or test runs) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_TIMEZONE = TIME_ZONE
# Bounded broker timeouts, so that queueing a task while Redis is down or frozen cannot hold a request.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECTION_TIMEOUT", 1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 1.0),
    "socket_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 1.0),
    "max_retries": 0,
}
# Publishing retries at most twice, 0.2 s apart, on a refused connection (the default retries three times).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# After a wake-up fails to reach the broker, writers skip the broker for this long (the mark
# stays pending and the sweep carries it), so a frozen broker costs one save a timeout, not every save.
BROKER_BACKOFF_SECONDS = env_float("BROKER_BACKOFF_SECONDS", 30.0)
# How often beat sweeps the summary marks (lapsed claims, lost wake-ups) and workers record a heartbeat.
SUMMARY_SWEEP_SECONDS = env_float("SUMMARY_SWEEP_SECONDS", 15.0)
WORKER_HEARTBEAT_SECONDS = env_float("WORKER_HEARTBEAT_SECONDS", 30.0)
# Periodic tasks, run by `celery worker --beat` (`make worker`, `make run` with a broker).
CELERY_BEAT_SCHEDULE = {
    # Wake a worker for marks whose wake-up was lost (broker down) or whose worker died.
    # Both expire after one period: a queue left without workers does not pile them up.
    "summaries-sweep": {
        "task": "treaties.tasks.summary_marks_sweep",
        "schedule": SUMMARY_SWEEP_SECONDS,
        "options": {"expires": SUMMARY_SWEEP_SECONDS},
    },
    # A worker records that it is alive (WorkerHeartbeat, read by /healthz).
    "worker-heartbeat": {
        "task": "treaties.tasks.worker_heartbeat",
        "schedule": WORKER_HEARTBEAT_SECONDS,
        "options": {"expires": WORKER_HEARTBEAT_SECONDS},
    },
    # Cron "30 0 * * *": every day at 00:30 (TIME_ZONE, UTC), just after "today" has moved on,
    # recompute every treaty's summaries from scratch.
    "summaries-nightly": {
        "task": "treaties.tasks.summary_recompute_all",
        "schedule": crontab(minute="30", hour="0"),
    },
    # Cron "40 0 * * *": every day at 00:40, after the nightly recompute (which records them too, unless it
    # failed), record the obligations that fell overdue yesterday and clear those no longer overdue.
    "obligations-overdue-daily": {
        "task": "treaties.tasks.obligations_overdue_record_all",
        "schedule": crontab(minute="40", hour="0"),
    },
}

# Summaries (treaties/services/summaries.py). A worker waits until no new mark has come for SETTLE seconds,
# or the first has waited MAX_WAIT, so a burst of edits is recomputed once. A claim is a lease the
# worker renews every CLAIM_LEASE/3 while it recomputes; one not renewed for CLAIM_LEASE belongs to
# a worker that died and is taken over (by the next claim or sweep): figures are current again
# within CLAIM_LEASE + SWEEP seconds of the kill, plus one recompute.
SUMMARY_SETTLE_SECONDS = env_float("SUMMARY_SETTLE_SECONDS", 1.0)
SUMMARY_MAX_WAIT_SECONDS = env_float("SUMMARY_MAX_WAIT_SECONDS", 5.0)
SUMMARY_CLAIM_LEASE_SECONDS = env_float("SUMMARY_CLAIM_LEASE_SECONDS", 30.0)

# Security. HTTPS settings are on unless DJANGO_SECURE_SSL_REDIRECT=0, as behind a plain-HTTP local `make run`.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
# Each a decision of its own: subdomains may serve plain HTTP, and preloading is hard to take back.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4, https://django-csp.readthedocs.io/): scripts, styles, images
# and fonts only from this site, no inline script or style, no eval, no plugins, never framed.
# The overview lifts object-src to 'self' for its <object> map, and map.svg may be framed by this
# site (treaties/views/pages.py); nothing else differs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes 8, https://django-axes.readthedocs.io/): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is refused (429 and a page saying why) until
# AXES_COOLOFF_MINUTES have passed since the last failure; a success resets the count. The same user from
# another address, or another user from the same address, is not held up. Attempts live in the database,
# so every web process sees them; a superuser unlocks in the admin (Axes › Access attempts › "Unlock").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
# No banner on every start of a process (manage.py commands included).
AXES_VERBOSE = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ottawa_tracker.security.lockout_response"
# REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_HOPS proxies (DJANGO_BEHIND_PROXY) the address the outermost
# one saw, from X-Forwarded-For; an IPv6 client counts as its /64.
AXES_CLIENT_IP_CALLABLE = "ottawa_tracker.security.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The treaty shown at `/` when no `treaty` parameter is given.
DEFAULT_TREATY_SLUG = env_str("DEFAULT_TREATY_SLUG", "ottawa")

# Event CSV. On PostgreSQL `/events.csv` streams COPY output (the same bytes as the Python path, faster).
EVENT_EXPORT_COPY = env_bool("EVENT_EXPORT_COPY", default=True)
# The largest CSV file staff may import, in bytes (20 MiB is about 150,000 events).
EVENT_IMPORT_MAX_BYTES = env_int("EVENT_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# How long the admin keeps an uploaded file (in the database) between its preview and the confirmation.
EVENT_IMPORT_STAGED_HOURS = env_int("EVENT_IMPORT_STAGED_HOURS", 24)

# Operations (ottawa_tracker/middleware.py, ottawa_tracker/health.py, ottawa_tracker/throttle.py).
# A database outage answers 503 with this Retry-After, from a page that needs no database; it wraps
# everything below WhiteNoise, so static files are still served.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "ottawa_tracker.middleware.DatabaseUnavailableMiddleware",
)
OUTAGE_RETRY_AFTER_SECONDS = env_int("OUTAGE_RETRY_AFTER_SECONDS", 30)
# `/healthz` for a load balancer: 503 when a worker (broker mode) has not been seen for WORKER_MAX_AGE
# seconds, or a summary mark has waited MARK_MAX_AGE seconds for its recompute. Load balancers probe
# over plain HTTP, so the SSL redirect leaves it alone.
HEALTHZ_WORKER_MAX_AGE = env_int("HEALTHZ_WORKER_MAX_AGE", 180)
HEALTHZ_MARK_MAX_AGE = env_int("HEALTHZ_MARK_MAX_AGE", 600)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Full CSV exports one client address may stream at once (429 with Retry-After beyond); a slot held by a
# process that died frees itself after EXPORT_SLOT_SECONDS. Behind a proxy (DJANGO_BEHIND_PROXY) the
# address is the one DJANGO_TRUSTED_PROXY_HOPS proxies back in X-Forwarded-For (1: the address your proxy saw).
EXPORT_MAX_CONCURRENT_PER_ADDRESS = env_int("EXPORT_MAX_CONCURRENT_PER_ADDRESS", 2)
EXPORT_SLOT_SECONDS = env_int("EXPORT_SLOT_SECONDS", 120)
TRUSTED_PROXY_HOPS = env_int("DJANGO_TRUSTED_PROXY_HOPS", 1) if env_bool("DJANGO_BEHIND_PROXY") else 0

# API (Django REST framework, api/): anonymous reads, writes by staff with a token (one per user, made in
# the admin under "Auth Token"), JSON only. Anonymous requests are throttled per client address, token
# requests per user (429 with Retry-After); rates as DRF writes them ("120/min", "5000/hour").
API_ANON_RATE = env_str("API_ANON_RATE", "120/min")
API_USER_RATE = env_str("API_USER_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AddressRateThrottle", "api.throttles.TokenUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "user": API_USER_RATE},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ottawa Tracker API",
    "DESCRIPTION": "Treaties, countries, regions, forums and dated events; where every State stands on a date. "
    "Dates are YYYY-MM-DD, countries ISO 3166-1 alpha-3. Every answer gives the date asked and the data version.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"PeriodUnitEnum": "treaties.choices.PeriodUnit"},
}
