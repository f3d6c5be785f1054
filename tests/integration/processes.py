"""Real Celery processes for the integration tests: started, watched and killed like in
production, against the test database and a Redis database of their own."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def process_env(**overrides) -> dict:
    """The environment a worker needs to share this test's database, broker and keys."""
    db = settings.DATABASES["default"]
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{connection.settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CREDENTIALS_KEYS": ",".join(settings.CREDENTIALS_KEYS),
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SANDBOX_BASE_URL": settings.SANDBOX_BASE_URL,
        "PYTHONUNBUFFERED": "1",
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class CeleryProcess:
    """One `celery worker` or `celery beat` process, its log kept in a file."""

    def __init__(self, args: list[str], log_path: Path, env: dict):
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "project", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def count(self, pattern: re.Pattern) -> int:
        """How many times the log says `pattern` so far."""
        return len(pattern.findall(self.log()))

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"celery exited early:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"celery did not log {text!r} in {timeout}s:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: the parent and its pool children, no cleanup."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def start_worker(log_path: Path, *, concurrency: int = 1, name: str = "w1", **env) -> CeleryProcess:
    worker = CeleryProcess(
        [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        log_path,
        process_env(**env),
    )
    worker.wait_for("ready.")
    return worker


def start_beat(log_path: Path, schedule_dir: Path, **env) -> CeleryProcess:
    beat = CeleryProcess(
        ["beat", "--loglevel=INFO", "--schedule", str(schedule_dir / "beat-schedule")],
        log_path,
        process_env(**env),
    )
    beat.wait_for("beat: Starting...")
    return beat


def wait_until(condition, *, timeout: float, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(message or "condition not met in time")
