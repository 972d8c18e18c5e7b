"""Production posture: HTTPS only, secure cookies, no development shortcuts.

Passes ``manage.py check --deploy --fail-level WARNING`` when given real values;
refuses to start with the development secret key or the sandbox payment provider.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PAYMENT_PROVIDER, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, env

DEBUG = False
PRODUCTION = True
SECRET_KEY = env.string("SECRET_KEY")
if SECRET_KEY.startswith("dev-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY is malformed: expected a random value of 50+ characters."
    )
# Key rotation (docs/operations.md): the previous key still validates sessions, reset
# and e-mail confirmation links until they expire; new ones are signed with SECRET_KEY.
SECRET_KEY_FALLBACKS = env.strings("SECRET_KEY_FALLBACKS", default=[])
if any(len(key) < 50 for key in SECRET_KEY_FALLBACKS):
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY_FALLBACKS is malformed: expected comma-separated keys of 50+ characters."
    )
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Environment variable ALLOWED_HOSTS is required in production.")
if PAYMENT_PROVIDER == "sandbox":
    raise ImproperlyConfigured(
        "Environment variable PAYMENT_PROVIDER is malformed: the sandbox provider is refused in production."
    )
if PAYMENT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "Environment variables STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required with PAYMENT_PROVIDER=stripe."
    )

SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The TLS-terminating proxy in front: its X-Forwarded-For entry is the client (django-axes).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", default=1)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
