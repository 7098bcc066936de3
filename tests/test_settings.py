"""Settings come from the environment and a production configuration passes `check --deploy`."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ottawa_tracker.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-production-like-secret-with-enough-entropy-0123456789",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    # A public deployment on a domain of its own, whose subdomains all serve HTTPS, and that asks to be preloaded.
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "ALLOWED_HOSTS": "tracker.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    test_only = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ottawa_tracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def setting_values(names: list[str], env: dict[str, str]) -> dict[str, object]:
    """The settings as a fresh process reads them under `env` (JSON; anything else as its str())."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def hsts(env: dict[str, str]) -> tuple[int, bool, bool]:
    """(max-age, includeSubDomains, preload) as settings.py reads them under `env`."""
    values = setting_values(["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"], env)
    return values["SECURE_HSTS_SECONDS"], values["SECURE_HSTS_INCLUDE_SUBDOMAINS"], values["SECURE_HSTS_PRELOAD"]


HSTS_CHOICES = {"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "DJANGO_SECURE_HSTS_PRELOAD"}
WITHOUT_HSTS_CHOICES = {k: v for k, v in PRODUCTION.items() if k not in HSTS_CHOICES}


def test_hsts_seconds_alone_turns_on_neither_subdomains_nor_preload():
    assert hsts({**WITHOUT_HSTS_CHOICES, "DJANGO_SECURE_HSTS_SECONDS": "3600"}) == (3600, False, False)


def test_hsts_subdomains_and_preload_are_separate_settings():
    yes_no = {"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "DJANGO_SECURE_HSTS_PRELOAD": "0"}
    assert hsts({**PRODUCTION, **yes_no}) == (31536000, True, False)
    no_yes = {"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "0", "DJANGO_SECURE_HSTS_PRELOAD": "1"}
    assert hsts({**PRODUCTION, **no_yes}) == (31536000, False, True)
    assert hsts(PRODUCTION) == (31536000, True, True)


def test_check_deploy_names_hsts_subdomains_and_preload_when_left_off():
    """Left off, the deployment check reminds of both, and of nothing else."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=WITHOUT_HSTS_CHOICES)
    assert result.returncode != 0
    found = set(re.findall(r"\((\w+\.\w+)\)", result.stderr))
    assert found == {"security.W005", "security.W021"}, result.stderr


def test_login_throttling_and_csp_settings_come_from_the_environment():
    names = ["AXES_FAILURE_LIMIT", "AXES_LOCKOUT_PARAMETERS", "AXES_HANDLER", "AUTHENTICATION_BACKENDS", "MIDDLEWARE"]
    values = setting_values(names, {**PRODUCTION, "AXES_FAILURE_LIMIT": "3"})
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert values["AXES_HANDLER"] == "axes.handlers.database.AxesDatabaseHandler"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]
    cooloff = setting_values(["AXES_COOLOFF_TIME"], {**PRODUCTION, "AXES_COOLOFF_MINUTES": "30"})
    assert cooloff == {"AXES_COOLOFF_TIME": "0:30:00"}


def test_missing_secret_key_stops_startup_when_debug_is_off():
    result = manage("check", env={})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_malformed_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be one of"):
        env_bool("DJANGO_DEBUG")


def test_malformed_number_is_refused(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="CONN_MAX_AGE must be a whole number"):
        env_int("CONN_MAX_AGE", 60)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize("variable", ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES"])
def test_a_lockout_that_could_not_work_stops_startup(variable):
    result = manage("check", env={**PRODUCTION, variable: "0"})
    assert result.returncode != 0
    assert "must be at least 1" in result.stderr
