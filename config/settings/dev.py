"""Local development: the embedded default (SQLite, database search, console e-mail)."""

from config import env

from .base import *  # noqa: F403

DEBUG = env.DJANGO_DEBUG or True
ALLOWED_HOSTS = [*env.DJANGO_ALLOWED_HOSTS, "[::1]", "testserver"]
