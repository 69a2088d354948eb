"""Every environment variable the app reads, declared once with its type and default.

Settings modules import the values from here; nothing else calls ``os.environ``.
The README's table of variables is written from this file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class MissingEnvironmentVariable(RuntimeError):
    pass


class InvalidEnvironmentVariable(RuntimeError):
    """A value the app cannot work with: raised while the settings load, so the app does not start with it."""


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


# Stricter than Elasticsearch's index-name rules (lower case; none of \ / * ? " < > | , # : or space; not starting
# with - _ + or .; at most 255 bytes), so that every name built from the prefix is valid – the longest is
# "<prefix>-check-cases-" plus 20 digits – and also the synonym set "<prefix>-synonyms".
_INDEX_PREFIX = re.compile(r"[a-z0-9][a-z0-9._-]{0,199}")


def index_prefix(name: str, value: str) -> str:
    """The prefix of this installation's Elasticsearch indices and synonym set, checked at start-up: a wrong one
    would otherwise surface as a 400 of Elasticsearch at the first published case."""
    if not _INDEX_PREFIX.fullmatch(value):
        raise InvalidEnvironmentVariable(
            f"Die Umgebungsvariable {name} ist ungültig („{value}“): Elasticsearch-Indexnamen erlauben nur "
            "Kleinbuchstaben a–z, Ziffern, „-“, „_“ und „.“; das erste Zeichen ist ein Buchstabe oder eine Ziffer; "
            "höchstens 200 Zeichen. Beispiel: baukasten-staging"
        )
    if value.endswith("-check"):
        # `search_index check` works behind "<prefix>-check" and removes what it finds there: with this prefix it
        # would remove the indices and synonyms of the installation whose prefix is the part before "-check".
        raise InvalidEnvironmentVariable(
            f"Die Umgebungsvariable {name} darf nicht auf „-check“ enden („{value}“): Unter „<Präfix>-check“ legt "
            "`search_index check` seine Wegwerf-Indizes an und löscht sie wieder."
        )
    return value


def ca_certs_file(name: str, value: str | None, url: str | None) -> str | None:
    """The CA file of an Elasticsearch with HTTPS (8.x signs its certificate with its own CA). Checked at start-up:
    the client refuses TLS options for an http:// address, and a missing file would fail every search."""
    if value is None:
        return None
    if not Path(value).is_file():
        raise InvalidEnvironmentVariable(
            f"Die Umgebungsvariable {name} nennt die Datei „{value}“, die es nicht gibt; erwartet wird die "
            "CA-Datei des Elasticsearch-Clusters (bei Elasticsearch 8: config/certs/http_ca.crt)."
        )
    if url and not url.startswith("https://"):
        raise InvalidEnvironmentVariable(
            f"Die Umgebungsvariable {name} ist gesetzt, ELASTICSEARCH_URL beginnt aber nicht mit https:// – "
            "ein CA-Zertifikat gilt nur für HTTPS."
        )
    return value


# --- the variables -------------------------------------------------------------------------------
DATABASE_URL: str = _str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")  # type: ignore[assignment]
ELASTICSEARCH_URL: str | None = _str("ELASTICSEARCH_URL", None)
ELASTICSEARCH_INDEX_PREFIX: str = index_prefix(
    "ELASTICSEARCH_INDEX_PREFIX",
    _str("ELASTICSEARCH_INDEX_PREFIX", "baukasten"),  # type: ignore[arg-type]
)
# Path to the CA file of an Elasticsearch with HTTPS and its own CA (user name and password go into the URL).
ELASTICSEARCH_CA_CERTS: str | None = ca_certs_file(
    "ELASTICSEARCH_CA_CERTS", _str("ELASTICSEARCH_CA_CERTS", None), ELASTICSEARCH_URL
)
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
