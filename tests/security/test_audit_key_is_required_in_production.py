"""Issue 11, section 6: production starts only with an audit chain key of its own."""

from __future__ import annotations

import pytest

from .test_deployment_posture import manage, production_env

SECRET = "s" * 60


@pytest.mark.parametrize(
    "key",
    ["", "short-key", "dev-only-" + "a" * 64, SECRET],
    ids=["missing", "short", "development-default", "same-as-secret-key"],
)
def test_production_refuses_to_start_without_its_own_audit_key(key):
    result = manage("check", env=production_env(AUDIT_HMAC_KEY=key, SECRET_KEY=SECRET))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and "AUDIT_HMAC_KEY" in last_line


def test_the_development_key_is_derived_and_marked_as_such(settings):
    assert settings.AUDIT_HMAC_KEY.startswith("dev-only-")
