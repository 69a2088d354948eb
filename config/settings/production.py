"""Production: PostgreSQL via DATABASE_URL, Elasticsearch via ELASTICSEARCH_URL, HTTPS only."""

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.required("DJANGO_SECRET_KEY", env.DJANGO_SECRET_KEY)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.DJANGO_SECURE_SSL_REDIRECT
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP inside the network
SECURE_HSTS_SECONDS = env.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# One JSON object per log line for the log collector (fields: see config/logging.py and the README).
LOGGING = {**LOGGING, "handlers": {"console": {**LOGGING["handlers"]["console"], "formatter": "json"}}}  # noqa: F405

# Rate limits (core/ratelimit.py) count in the cache, which all gunicorn workers must share; a
# directory on the container's disk does that without another service.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/tmp/baukasten-cache",  # noqa: S108 - private to the container
    }
}
