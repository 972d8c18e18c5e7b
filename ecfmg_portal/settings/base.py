"""Settings shared by every mode.

Every value comes from the environment, read once here. Defaults run on a laptop
with nothing installed: SQLite under ``var/``, Celery tasks executed in-process,
files and e-mails written under ``var/``. A malformed value stops the process at
start with a message naming the variable (see ``ecfmg_portal.env``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from ecfmg_portal.env import Env

# Lets ModelAdmin[Model], QuerySet[Model] etc. be subscripted at run time, as the type hints do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = Env()

DEBUG = env.boolean("DEBUG", default=False)
SECRET_KEY = env.string("SECRET_KEY", default="dev-insecure-key-change-me-" + "x" * 30)
# The audit chain's HMAC key (ecfmg_portal/audit): kept in the environment, never in the
# database, so database access alone cannot forge a link. The development default is
# derived from the (development) SECRET_KEY and marked as such; production refuses it.
AUDIT_HMAC_KEY = env.string("AUDIT_HMAC_KEY", default="") or (
    "dev-only-" + hashlib.sha256(f"audit-chain:{SECRET_KEY}".encode()).hexdigest()
)
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.url("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Where applicants and schools write for help: the footer, every e-mail and the school pages.
SUPPORT_EMAIL = env.string("SUPPORT_EMAIL", default="support@ecfmg.test")

INSTALLED_APPS = [
    # django.contrib.admin whose admin.site requires staff MFA (ecfmg_portal/admin_site.py).
    "ecfmg_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ecfmg_portal.audit",
    "ecfmg_portal.outbox",
    "ecfmg_portal.workbench",
    "applicants",
    "credentials",
    "exams",
    "certificates",
    "verification",
    "verification.eras",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL or other control character in the path or query: 400 before anything reads it.
    "ecfmg_portal.security.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ecfmg_portal.page_middleware.*: Django's and the libraries' own middleware, which
    # the key-authenticated JSON API (/api/v1/) steps over: it keeps no session, sets no
    # cookie and speaks English (docs/benchmarks.md says what that saves).
    "ecfmg_portal.page_middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's order): cookie, then Accept-Language.
    "ecfmg_portal.page_middleware.LocaleMiddleware",
    "ecfmg_portal.page_middleware.CommonMiddleware",
    # Django's own, by name: the deploy check looks for it (DRF's views are exempt anyway).
    "django.middleware.csrf.CsrfViewMiddleware",
    "ecfmg_portal.page_middleware.AuthenticationMiddleware",
    # A signed-in user's saved language wins over the cookie and the browser's (docs/i18n.md).
    "ecfmg_portal.page_middleware.AccountLanguageMiddleware",
    "ecfmg_portal.page_middleware.OTPMiddleware",
    "ecfmg_portal.page_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After authentication: signed-in pages are never cached (Cache-Control: no-store).
    "ecfmg_portal.page_middleware.NoStoreWhenSignedInMiddleware",
    # A lost database connection is a 503 page with Retry-After, never a traceback.
    "ecfmg_portal.security.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecfmg_portal.urls"
WSGI_APPLICATION = "ecfmg_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ecfmg_portal.context_processors.support",
            ],
            # |day and |money everywhere without {% load %} (ecfmg_portal/formatting.py).
            "builtins": ["ecfmg_portal.formatting"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.integer("CONN_MAX_AGE", default=0))
# Off by default: with it, every request's first query is preceded by a SELECT 1 (a round
# trip on the API's hot path). Without it, a connection broken by a database restart
# fails one request (a 503 page, DatabaseUnavailableMiddleware) and is then replaced.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.boolean("CONN_HEALTH_CHECKS", default=False))
# A worker process (one task at a time) keeps its database connection this long between
# tasks; Celery's own closing around every task is turned off below (CELERY_DB_REUSE_MAX),
# and ecfmg_portal/celery.py closes only connections that errored or are this old.
WORKER_CONN_MAX_AGE = env.integer("WORKER_CONN_MAX_AGE", default=600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "applicants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock an account from one address after repeated failures, and a whole
# address after many more across accounts (ecfmg_portal/security/lockout.py), so five
# typos behind a hospital NAT lock one person, not the hospital.
AXES_HANDLER = "ecfmg_portal.security.lockout.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.integer("AXES_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = env.integer("AXES_COOLOFF_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# The account is counted case-folded, so changing the address's case escapes no lock.
AXES_USERNAME_CALLABLE = "ecfmg_portal.security.lockout.account_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind N trusted proxies the client is the N-th X-Forwarded-For entry from the right
# (ecfmg_portal/security/client_ip.py); 0 = no proxy, REMOTE_ADDR is the client. The
# same function feeds every rate limit and the lockout.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "Environment variable TRUSTED_PROXY_COUNT is malformed: expected 0 or the number of proxies in front."
    )
AXES_CLIENT_IP_CALLABLE = "ecfmg_portal.security.client_ip.client_ip"
# Staff MFA (ecfmg_portal/admin_site.py): the admin never shows a device's secret or QR code,
# so an administrator cannot copy another staff member's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
# The languages of applicants and schools (docs/i18n.md); certificates and legal records stay English.
LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("pt", "Portuguese"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("zh-hans", "Simplified Chinese"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env.string("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Documents are personal data: private objects, short-lived signed URLs only.
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.string("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.string("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    # Files live outside any served folder; only views that check ownership read them.
    _file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": _file_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", default="ECFMG Portal <no-reply@ecfmg.test>")
STAFF_ALERT_EMAIL = env.string("STAFF_ALERT_EMAIL", default="credentials-team@ecfmg.test")

# Cache: rate limits (API keys, the public verify page) must be shared by every web
# process in production, so point CACHE_URL at Redis there; per-process memory otherwise.
CACHE_URL = env.string("CACHE_URL", default="")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("Environment variable CACHE_URL is malformed: expected redis://host:port/db.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: with no broker configured, tasks run in-process right after the commit
# that queued them, so ``make run`` needs neither Redis nor a worker.
CELERY_BROKER_URL = env.string("CELERY_BROKER_URL", default="") or env.string("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Four messages reserved per process: with acks_late, the next message is fetched while the
# current task runs instead of after its acknowledgement (a round trip per task at prefetch 1).
# Prefork's fair scheduling hands reserved messages only to idle children, so a long PDF
# render holds up at most the few messages its own worker reserved.
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
# Celery's Django fixup closes every DB connection around every task unless this is set; set
# beyond reach: ecfmg_portal/celery.py closes only the unusable or obsolete ones, as Django does.
CELERY_DB_REUSE_MAX = 2**31
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# Redis redelivers a message a dead worker held once it has been unacknowledged this
# long; the restore sweep runs every interval*throttle seconds. Tests lower all three.
# Matched to the longest task (the hard time limit) plus a margin: longer, and a PDF
# whose worker was killed waited an hour; shorter, and a live task would be run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.integer("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
    "unacked_restore_interval": env.integer("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.integer("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TASK_ROUTES = {
    # Rendering is slow and CPU-bound: its own queue, so it never delays e-mails or webhooks.
    "certificates.tasks.render_certificate_pdf": {"queue": "pdf"},
    "certificates.tasks.send_certificate_issued_email": {"queue": "email"},
    "credentials.tasks.*": {"queue": "email"},
    "applicants.notifications.tasks.*": {"queue": "email"},
    "verification.tasks.*": {"queue": "webhooks"},
    "verification.eras.tasks.*": {"queue": "webhooks"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Tasks the broker could not take (Redis down) are kept in the outbox and re-sent (docs/security.md).
CELERY_BEAT_SCHEDULE["outbox-resend"] = {
    "task": "ecfmg_portal.outbox.tasks.outbox_resend_task",
    "schedule": 60,
}
# The audit chain's head, copied out of the table (to the log and to file storage), so
# cutting the newest entries is caught by verify_audit_log (docs/security.md).
AUDIT_HEAD_PREFIX = env.string("AUDIT_HEAD_PREFIX", default="audit-heads/")
CELERY_BEAT_SCHEDULE["audit-head-record"] = {
    "task": "ecfmg_portal.audit.tasks.audit_head_record_task",
    "schedule": env.integer("AUDIT_HEAD_RECORD_SECONDS", default=15 * 60),
}
# Certificates (R-CE-1): re-assess applicants without a certificate, in case a trigger was lost.
CELERY_BEAT_SCHEDULE["certificates-sweep"] = {
    "task": "certificates.tasks.sweep_certification",
    "schedule": env.integer("CERTIFICATE_SWEEP_SECONDS", default=60 * 60),
}
# Half-done certificate work (certificates/resume.py): a PDF never rendered, an issued
# e-mail claimed by a worker that died. certificates.tasks is found by autodiscovery.
CELERY_BEAT_SCHEDULE["certificates-resume-renders"] = {
    "task": "certificates.tasks.resume_certificates_without_pdf",
    "schedule": 5 * 60,
}
CELERY_BEAT_SCHEDULE["certificates-resume-issued-emails"] = {
    "task": "certificates.tasks.resume_issued_emails",
    "schedule": 5 * 60,
}
# Signed PDFs and verifiable certificates (R-VE-4, docs/certificates.md). Without the
# PDF_SIGNING_* files a development CA under SIGNING_DEV_DIR is used (production refuses).
PDF_SIGNER_NAME = env.string("PDF_SIGNER_NAME", default="ECFMG Certification Portal")
PDF_SIGNING_PKCS12_FILE = env.string("PDF_SIGNING_PKCS12_FILE", default="")
PDF_SIGNING_KEY_FILE = env.string("PDF_SIGNING_KEY_FILE", default="")
PDF_SIGNING_CERT_FILE = env.string("PDF_SIGNING_CERT_FILE", default="")
PDF_SIGNING_CHAIN_FILE = env.string("PDF_SIGNING_CHAIN_FILE", default="")
PDF_SIGNING_KEY_PASSWORD = env.string("PDF_SIGNING_KEY_PASSWORD", default="")
PDF_SIGNING_TRUST_ROOTS_FILE = env.string("PDF_SIGNING_TRUST_ROOTS_FILE", default="")
PDF_SIGNING_TSA_URL = env.string("PDF_SIGNING_TSA_URL", default="")
SIGNING_DEV_DIR = env.path("SIGNING_DEV_DIR", default=VAR_DIR / "signing")
# Encrypts the issuer's Ed25519 keys at rest (a Fernet key); derived from SECRET_KEY in development.
CREDENTIAL_KEY_SECRET = env.string("CREDENTIAL_KEY_SECRET", default="")
# How long a verifier may keep a status list (seconds): Cache-Control max-age and the list's ttl.
STATUS_LIST_MAX_AGE = env.integer("STATUS_LIST_MAX_AGE", default=300)
# Largest file the public credential verifier reads (bytes).
CREDENTIAL_VERIFY_MAX_BYTES = env.integer("CREDENTIAL_VERIFY_MAX_BYTES", default=2 * 1024 * 1024)

# School verification (R-ED-8), see docs/school-verification.md.
_reminder_days = env.strings("SCHOOL_VERIFICATION_REMINDER_DAYS", default=["14", "30", "60"])
if not all(day.isdigit() and int(day) > 0 for day in _reminder_days):
    raise ValueError(
        "Environment variable SCHOOL_VERIFICATION_REMINDER_DAYS is malformed: expected days such as 14,30,60."
    )
SCHOOL_VERIFICATION_REMINDER_DAYS = sorted({int(day) for day in _reminder_days})
SCHOOL_VERIFICATION_ESCALATION_DAYS = env.integer("SCHOOL_VERIFICATION_ESCALATION_DAYS", default=90)
SCHOOL_VERIFICATION_LINK_VALID_DAYS = env.integer("SCHOOL_VERIFICATION_LINK_VALID_DAYS", default=60)
# A send claimed longer ago than this belongs to a dead worker and may be claimed again.
SCHOOL_VERIFICATION_SENDING_STALE_SECONDS = env.integer(
    "SCHOOL_VERIFICATION_SENDING_STALE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60
)
# Test hook for the crash test: pause between claiming an e-mail and sending it. Keep 0.
SCHOOL_VERIFICATION_SEND_PAUSE_SECONDS = env.integer("SCHOOL_VERIFICATION_SEND_PAUSE_SECONDS", default=0)
CELERY_BEAT_SCHEDULE["school-verification-reminders"] = {
    "task": "credentials.tasks.school_verification_reminders",
    "schedule": 60 * 60,
}
CELERY_BEAT_SCHEDULE["school-verification-requeue-stuck-emails"] = {
    "task": "credentials.tasks.verification_emails_requeue_stuck",
    "schedule": 10 * 60,
}
# Multi-page upload previews left unsent for a day (credentials.services.document_drafts).
CELERY_BEAT_SCHEDULE["document-drafts-expire"] = {
    "task": "credentials.tasks.document_drafts_expire",
    "schedule": 60 * 60,
}
# Applicant notifications (docs/notifications.md): not a Django app's tasks module, so
# imported explicitly; the beat job re-queues e-mails whose delivery was lost.
CELERY_IMPORTS = ["applicants.notifications.tasks", "applicants.payments.tasks"]
CELERY_BEAT_SCHEDULE["applicant-notifications-requeue"] = {
    "task": "applicants.notifications.tasks.applicant_notifications_requeue",
    "schedule": 5 * 60,
}
# Refunds of payments over the balance (applicants.payments): sent again while the provider is down.
CELERY_BEAT_SCHEDULE["overpayment-refunds-requeue"] = {
    "task": "applicants.payments.tasks.overpayment_refunds_requeue",
    "schedule": 15 * 60,
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    # Depth-bounded, NUL-free JSON: a body nested 1,000 deep is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": ["ecfmg_portal.security.json_input.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "ecfmg_portal.api.exception_handler",
    # Per API key, and per client address on the public /verify/ page ("N/second|minute|hour|day").
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.string("API_RATE_PER_KEY", default="120/minute"),
        "verify_page": env.string("VERIFY_PAGE_RATE_PER_IP", default="20/minute"),
        # Certificate files checked on /credentials/verify/ and its API, per client address.
        "credential_verify": env.string("CREDENTIAL_VERIFY_RATE_PER_IP", default="20/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ECFMG Certification Portal API",
    "DESCRIPTION": "Certification verification, exam-results feed and ERAS status reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from this site (drf-spectacular-sidecar): the CSP refuses CDN scripts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "verification.api.schema.add_error_headers",
    ],
}
API_MAX_BODY_BYTES = env.integer("API_MAX_BODY_BYTES", default=16 * 1024)
# ERAS webhooks (docs/eras.md): refuse URLs resolving to loopback/private addresses
# unless this is set (tests, local receivers) or DEBUG is on.
WEBHOOK_ALLOW_PRIVATE = env.boolean("WEBHOOK_ALLOW_PRIVATE", default=False)
# First retry delay of a failed push; each next one is 4 times longer (capped at 6 hours).
WEBHOOK_BACKOFF_SECONDS = env.integer("WEBHOOK_BACKOFF_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["eras-webhook-requeue"] = {
    "task": "verification.eras.tasks.webhook_deliveries_requeue",
    "schedule": 5 * 60,
}

# Uploads: checked by content; the web server refuses anything larger anyway.
UPLOAD_MAX_BYTES = env.integer("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# Every upload is checked and disarmed in a child process with these hard limits
# (credentials.sandbox): a hostile file costs one child, never a web worker.
UPLOAD_SANDBOX_CPU_SECONDS = env.integer("UPLOAD_SANDBOX_CPU_SECONDS", default=10)
UPLOAD_SANDBOX_MEMORY_MB = env.integer("UPLOAD_SANDBOX_MEMORY_MB", default=1024)
UPLOAD_SANDBOX_WALL_SECONDS = env.integer("UPLOAD_SANDBOX_WALL_SECONDS", default=20)
# Files one applicant account may send per clock hour, counted in the shared cache.
UPLOADS_PER_HOUR = env.integer("UPLOADS_PER_HOUR", default=30)

# Content-Security-Policy (django-csp 4): no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Fees (USD). Exam fees are charged on the ledger when an application is made.
EXAM_FEES = {
    "STEP1": env.decimal("FEE_STEP1", default="1000.00"),
    "STEP2CK": env.decimal("FEE_STEP2CK", default="1000.00"),
    "STEP2CS": env.decimal("FEE_STEP2CS", default="1300.00"),
}

# Payments: "sandbox" (development only) or "stripe".
PAYMENT_PROVIDER = env.string("PAYMENT_PROVIDER", default="sandbox")
STRIPE_SECRET_KEY = env.string("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.string("STRIPE_WEBHOOK_SECRET", default="")
PRODUCTION = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Masks e-mail addresses and dates that slip into a message (ecfmg_portal/logging_filters.py).
    "filters": {"redact_personal_data": {"()": "ecfmg_portal.logging_filters.RedactPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
