"""XSANDBOX_ENABLED (default: DEBUG) decides whether the sandbox is installed and served under
/xsandbox/; without it the rest of the site works, and `load_demo` says what to turn on."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from django.urls import NoReverseMatch, Resolver404, clear_url_caches, resolve, reverse

import project.urls

ROOT = Path(__file__).resolve().parents[2]
# Prints whether the app is installed and /xsandbox/ is served, after the system checks pass.
REPORT = """
from django.apps import apps
from django.core.management import call_command
from django.urls import Resolver404, resolve
call_command("check")
try:
    mounted = bool(resolve("/xsandbox/"))
except Resolver404:
    mounted = False
print("installed", apps.is_installed("xsandbox"), "mounted", mounted)
"""


def run_manage(tmp_path, *args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CREDENTIALS_KEYS"}}
    base.update(
        {
            "ENV_FILE": str(tmp_path / "aviary.env"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'aviary.sqlite3'}",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production(**overrides):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "aviary.example.com",
        **overrides,
    }


@pytest.fixture
def reload_urls():
    def reload():
        clear_url_caches()
        importlib.reload(project.urls)

    yield reload
    reload()  # the URLconf as the test settings make it, for the tests after this one


def test_it_mounts_no_sandbox_url_when_disabled(reload_urls):
    with override_settings(XSANDBOX_ENABLED=False):
        reload_urls()
        for path in ("/xsandbox/", "/xsandbox/2/tweets", "/xsandbox/sandbox_one/"):
            with pytest.raises(Resolver404):
                resolve(path)
        with pytest.raises(NoReverseMatch):
            reverse("xsandbox:timeline")
        assert resolve(reverse("dashboard")).url_name == "dashboard"


def test_it_is_off_in_production_and_the_site_still_passes_its_checks(tmp_path):
    result = run_manage(tmp_path, "shell", "-c", REPORT, **production())
    assert result.returncode == 0, result.stderr
    assert "installed False mounted False" in result.stdout


def test_it_can_be_turned_on_in_production(tmp_path):
    result = run_manage(tmp_path, "shell", "-c", REPORT, **production(XSANDBOX_ENABLED="1"))
    assert result.returncode == 0, result.stderr
    assert "installed True mounted True" in result.stdout


def test_load_demo_says_to_enable_the_sandbox_when_it_is_off(tmp_path):
    result = run_manage(tmp_path, "load_demo", DEBUG="1", XSANDBOX_ENABLED="0")
    assert result.returncode == 1
    assert "set XSANDBOX_ENABLED=true" in result.stderr
    assert "Traceback" not in result.stderr
