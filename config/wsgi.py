import os

# One BLAS thread per process: the web process embeds one short query per search, and several
# gunicorn workers each spawning a thread per core made a 40 ms embedding take seconds under load.
# Must be set before numpy is imported. The index worker (manage.py) keeps the default.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
