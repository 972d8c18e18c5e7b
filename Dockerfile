# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=ecfmg_portal.settings.production

# WeasyPrint needs Pango; fonts cover accented and non-Latin names on certificates.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-noto-core fonts-noto-cjk \
        postgresql-client curl gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt ./
COPY . .
RUN pip install -c constraints.txt . \
    && useradd --system --uid 1000 portal && mkdir -p /app/var && chown portal /app/var
RUN SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') ALLOWED_HOSTS=build PAYMENT_PROVIDER=stripe STRIPE_SECRET_KEY=build STRIPE_WEBHOOK_SECRET=build \
    python manage.py collectstatic --noinput -v0
# The translation catalogs (docs/i18n.md): compiled here, not committed. No settings needed.
RUN DJANGO_SETTINGS_MODULE= python -m django compilemessages -v0
USER portal
EXPOSE 8000
CMD ["gunicorn", "ecfmg_portal.wsgi:application", "--bind", "0.0.0.0:8000"]
