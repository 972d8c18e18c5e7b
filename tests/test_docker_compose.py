"""docker-compose.yml describes the production shape, and what it runs exists.

Docker does not run on the CI machine, so this parses the file and checks each
service's command against the code: a renamed module or a missing health check
fails here instead of at deploy time.
"""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_words(service: dict[str, Any]) -> list[str]:
    command = service.get("command", "")
    text = " ".join(command) if isinstance(command, list) else command
    return shlex.split(text.replace('sh -c "', "").replace('"', ""))


def test_it_runs_the_production_shape(compose: dict[str, Any]) -> None:
    assert {"web", "worker", "beat", "db", "redis", "storage"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres")
    assert compose["services"]["redis"]["image"].startswith("redis")
    assert "minio" in compose["services"]["storage"]["image"]


@pytest.mark.parametrize("name", ["web", "worker", "db", "redis", "storage"])
def test_long_running_services_have_health_checks(compose: dict[str, Any], name: str) -> None:
    assert compose["services"][name]["healthcheck"]["test"]


def test_web_serves_the_wsgi_application_with_gunicorn(compose: dict[str, Any]) -> None:
    words = command_words(compose["services"]["web"])
    target = words[words.index("gunicorn") + 1]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert any("WEB_CONCURRENCY" in w for w in words), "worker count comes from the environment"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_point_at_the_celery_app(compose: dict[str, Any], name: str) -> None:
    words = command_words(compose["services"][name])
    assert words[0] == "celery"
    app_module = words[words.index("-A") + 1]
    assert importlib.import_module(app_module).celery_app.main == "ecfmg_portal"


def test_worker_consumes_every_routed_queue(compose: dict[str, Any], settings: Any) -> None:
    words = command_words(compose["services"]["worker"])
    queues = set(words[words.index("--queues") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= queues


def test_app_services_use_production_settings_and_real_services(compose: dict[str, Any]) -> None:
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        importlib.import_module(env["DJANGO_SETTINGS_MODULE"].rsplit(".", 1)[0])
        assert env["DJANGO_SETTINGS_MODULE"] == "ecfmg_portal.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert env["AWS_STORAGE_BUCKET_NAME"]


def test_the_web_health_check_url_exists(compose: dict[str, Any]) -> None:
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert reverse("healthz") in check
    assert (ROOT / "Dockerfile").exists()


def test_no_forwarded_header_is_trusted_without_a_proxy_in_front(compose: dict[str, Any]) -> None:
    # Issue 11: either ship the proxy or trust no X-Forwarded-For entry at all.
    has_proxy = any(
        any(word in str(service.get("image", "")) for word in ("nginx", "traefik", "caddy", "haproxy"))
        for service in compose["services"].values()
    )
    for name in ("web", "worker", "beat"):
        count = int(compose["services"][name]["environment"].get("TRUSTED_PROXY_COUNT", 1))
        assert count == (1 if has_proxy else 0), name


def test_the_application_does_not_connect_as_the_table_owner(compose: dict[str, Any]) -> None:
    owner = compose["services"]["db"]["environment"]["POSTGRES_USER"]
    init = compose["services"]["db"]["volumes"]
    script = next(v.split(":")[0] for v in init if "docker-entrypoint-initdb.d" in v)
    assert (ROOT / script).exists()
    app_role = "portal_app"
    assert f"CREATE ROLE {app_role}" in (ROOT / script).read_text()
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith(f"postgres://{app_role}:")
        assert env["MIGRATE_DATABASE_URL"].startswith(f"postgres://{owner}:")
    assert "DATABASE_URL=$$MIGRATE_DATABASE_URL python manage.py migrate" in " ".join(
        compose["services"]["web"]["command"].split()
    )
