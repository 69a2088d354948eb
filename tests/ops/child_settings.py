"""Settings of the ``manage.py`` processes the ops tests start: the test settings, with the search
index outbox left for the worker (as with a separate task runner in production) instead of being
embedded right after each import – that would only make the tests slow, not more telling."""

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
