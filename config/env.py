"""Every environment variable the app reads, declared once with its type and default.

Settings modules import the values from here; nothing else calls ``os.environ``.
The README's table of variables is written from this file.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class MissingEnvironmentVariable(RuntimeError):
    pass


def _str(name: str, default: str | None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def required(name: str, value: str | None) -> str:
    """Used by production settings for variables that have no safe default."""
    if not value:
        raise MissingEnvironmentVariable(f"Die Umgebungsvariable {name} muss in Produktion gesetzt sein.")
    return value


# --- the variables -------------------------------------------------------------------------------
DATABASE_URL: str = _str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")  # type: ignore[assignment]
ELASTICSEARCH_URL: str | None = _str("ELASTICSEARCH_URL", None)
ELASTICSEARCH_INDEX_PREFIX: str = _str("ELASTICSEARCH_INDEX_PREFIX", "baukasten")  # type: ignore[assignment]
DJANGO_SECRET_KEY: str | None = _str("DJANGO_SECRET_KEY", None)
DJANGO_DEBUG: bool = _bool("DJANGO_DEBUG", False)
DJANGO_ALLOWED_HOSTS: list[str] = _list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
DJANGO_CSRF_TRUSTED_ORIGINS: list[str] = _list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_BASE_URL: str = _str("SITE_BASE_URL", "http://127.0.0.1:8000")  # type: ignore[assignment]
DEFAULT_FROM_EMAIL: str = _str("DEFAULT_FROM_EMAIL", "Baukasten <noreply@localhost>")  # type: ignore[assignment]
EMAIL_HOST: str | None = _str("EMAIL_HOST", None)  # unset: e-mails are printed to the console
EMAIL_PORT: int = _int("EMAIL_PORT", 587)
EMAIL_HOST_USER: str = _str("EMAIL_HOST_USER", "")  # type: ignore[assignment]
EMAIL_HOST_PASSWORD: str = _str("EMAIL_HOST_PASSWORD", "")  # type: ignore[assignment]
EMAIL_USE_TLS: bool = _bool("EMAIL_USE_TLS", True)
MEDIA_ROOT: str = _str("MEDIA_ROOT", str(BASE_DIR / "media"))  # type: ignore[assignment]
STATIC_ROOT: str = _str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))  # type: ignore[assignment]
SECURE_HSTS_SECONDS: int = _int("SECURE_HSTS_SECONDS", 31_536_000)
DJANGO_SECURE_SSL_REDIRECT: bool = _bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Number of reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
# Login throttling and rate limits count per client address, so behind a proxy this must be set.
DJANGO_PROXY_COUNT: int = _int("DJANGO_PROXY_COUNT", 0)
LOG_LEVEL: str = _str("LOG_LEVEL", "INFO")  # type: ignore[assignment]
