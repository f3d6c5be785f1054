"""Settings fail with one clear sentence on bad configuration, and production is locked down."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CREDENTIALS_KEYS"}}
    base.update({"ENV_FILE": "/nonexistent/aviary.env", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_env(**overrides):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "aviary.example.com",
        "DATABASE_URL": "sqlite:///var/deploy-check.sqlite3",
        **overrides,
    }


def test_malformed_database_url_fails_with_a_clear_message():
    result = run_manage("check", DATABASE_URL="postgres//user:hunter2@db/aviary")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL Aviary understands" in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_production_without_secrets_refuses_to_start():
    env = production_env(SECRET_KEY="", CREDENTIALS_KEYS="")
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY, CREDENTIALS_KEYS must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_rejects_a_weak_secret_key():
    result = run_manage("check", **production_env(SECRET_KEY="short"))
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_profile_passes_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", **production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_generates_missing_secrets_into_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    result = run_manage("check", ENV_FILE=str(env_file), DEBUG="1")
    assert result.returncode == 0, result.stderr
    written = env_file.read_text()
    assert "SECRET_KEY=" in written
    assert "CREDENTIALS_KEYS=" in written
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"


def test_suite_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


def test_production_profile_serves_gallery_images_through_the_access_checked_view():
    result = run_manage(
        "shell",
        "-c",
        "from django.urls import resolve; "
        "print(resolve('/media/gallery/1/ab/ab.png').func.__module__)",
        **production_env(),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "project.media"
