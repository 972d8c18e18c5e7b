"""Production posture: HTTPS only, secure cookies, no development shortcuts.

Passes ``manage.py check --deploy --fail-level WARNING`` when given real values;
refuses to start with the development secret key or the sandbox payment provider.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CACHE_URL,
    CREDENTIAL_KEY_SECRET,
    PAYMENT_PROVIDER,
    PDF_SIGNING_CERT_FILE,
    PDF_SIGNING_KEY_FILE,
    PDF_SIGNING_PKCS12_FILE,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    env,
)

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
# The audit chain's key lives outside the database (docs/security.md); never the derived
# development key, never the SECRET_KEY (rotating that must not break the chain).
AUDIT_HMAC_KEY = env.string("AUDIT_HMAC_KEY", default="")
if len(AUDIT_HMAC_KEY) < 32 or AUDIT_HMAC_KEY.startswith("dev-only-") or AUDIT_HMAC_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "Environment variable AUDIT_HMAC_KEY is required in production: a random value of 32+ characters, "
        "not the SECRET_KEY."
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
# The TLS-terminating proxy in front: its X-Forwarded-For entry is the client (every rate
# limit and the lockout read it through ecfmg_portal/security/client_ip.py). Set 0 when
# gunicorn faces the clients directly, or they choose their own address.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", default=1)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "Environment variable TRUSTED_PROXY_COUNT is malformed: expected 0 or the number of proxies in front."
    )
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", default=31_536_000)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(
        "Environment variable SECURE_HSTS_SECONDS is malformed: expected 0 or more seconds."
    )
# Rate limits and lockouts counted per process are no limits: N web processes allow N times
# the rate. Production needs the shared cache.
if not CACHE_URL:
    raise ImproperlyConfigured(
        "Environment variable CACHE_URL is required in production (redis://host:port/db), "
        "so every web process counts the same rate limits."
    )
# R-VE-4: every PDF is signed and every certificate is a signed credential; no
# development CA, no key derived from SECRET_KEY (docs/certificates.md, "Operators").
_pdf_signing_files = (
    [PDF_SIGNING_PKCS12_FILE] if PDF_SIGNING_PKCS12_FILE else [PDF_SIGNING_KEY_FILE, PDF_SIGNING_CERT_FILE]
)
if not all(_pdf_signing_files) or not all(Path(name).is_file() for name in _pdf_signing_files):
    raise ImproperlyConfigured(
        "Environment variables PDF_SIGNING_PKCS12_FILE (or PDF_SIGNING_KEY_FILE and PDF_SIGNING_CERT_FILE) "
        "are required in production and must name readable files: every PDF is signed with that key."
    )
if not CREDENTIAL_KEY_SECRET:
    raise ImproperlyConfigured(
        "Environment variable CREDENTIAL_KEY_SECRET is required in production: it encrypts the "
        "issuer's credential signing keys (a Fernet key; see docs/certificates.md)."
    )
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
