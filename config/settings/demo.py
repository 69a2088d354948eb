"""The demo (README command 1, ``scripts/demo``): the local defaults, but with ``DEBUG`` off, so that a
visitor meets the German 404 and 500 pages instead of Django's yellow debug pages.

Static files are served by WhiteNoise straight from the apps' and the project's static folders (no
``collectstatic`` step); uploads under /media/ by Django itself, as a local server has nothing in front
of it. ``SITE_BASE_URL`` (links in e-mails) comes from the environment: scripts/demo sets it to its port.
"""

from config import env

from .dev import *  # noqa: F403

DEBUG = env.DJANGO_DEBUG  # off unless DJANGO_DEBUG=1 is set on purpose
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: WhiteNoise would warn „No directory at …/staticfiles/“ at every start
SERVE_MEDIA = True
