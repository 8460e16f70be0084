# The one image behind every service of docker-compose.yml (web, worker, beat, migrate).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change reuses this layer. Every locked package ships a manylinux
# wheel (psycopg-binary bundles libpq), so no compiler or -dev packages are needed.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Static files are collected into the image; whitenoise serves them with hashed names. The
# settings refuse to load without SECRET_KEY, and this throwaway one exists only for this step.
RUN SECRET_KEY=collectstatic-only-not-a-secret DJANGO_SETTINGS_MODULE=wms.settings.prod \
    python manage.py collectstatic --noinput --verbosity 0

# The app never writes to its own files; an unprivileged user keeps it that way (and Celery
# refuses to run as root without a warning).
RUN useradd --system --uid 10001 --no-create-home --home-dir /app fluxvantage
USER fluxvantage

ENV DJANGO_SETTINGS_MODULE=wms.settings.prod
EXPOSE 8000
CMD ["gunicorn", "wms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
