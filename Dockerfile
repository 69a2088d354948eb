# Production image: gunicorn serving the Django/Wagtail app; migrations run on start.
# No gunicorn access log: the app writes one JSON line per request without query strings (config/logging.py).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000

RUN useradd --create-home --uid 1000 baukasten
WORKDIR /app

COPY pyproject.toml README.md ./
# Every package of pyproject's [tool.setuptools.packages.find], floor by floor, so `pip install .` installs them all.
COPY core ./core
COPY municipalities ./municipalities
COPY solutions ./solutions
COPY search ./search
COPY matching ./matching
COPY notifications ./notifications
COPY adoption ./adoption
COPY agency ./agency
COPY accounts ./accounts
COPY pages ./pages
COPY config ./config
RUN pip install --upgrade pip && pip install .
COPY . .
# collectstatic needs a secret key to import settings; this one is used only during the build.
RUN DJANGO_SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media && chown -R baukasten /app/media

USER baukasten
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi:application --bind 0.0.0.0:${PORT} --workers ${GUNICORN_WORKERS:-3} --timeout 60"]
