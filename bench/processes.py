"""What the end-to-end benchmarks share: a database of their own, free ports, the site and
its workers as real processes, the CPU time each process used (from /proc), and
percentiles."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "var" / "bench-logs"


def reset_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], env: dict, log_name: str) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=(LOGS / log_name).open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def web(port: int, env: dict, *, workers: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "project.wsgi", "-b", f"127.0.0.1:{port}"]
    return start([*command, "-w", str(workers), "--access-logfile", "-"], env, "web.log")


def celery_worker(n: int, env: dict, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "project", "worker", "--concurrency=1"]
    options = [
        f"--hostname=bench{n}@%h",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    return start([*command, *options, *extra], env, f"worker{n}.log")


def beat(env: dict) -> subprocess.Popen:
    return start(
        [sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel=WARNING"],
        env,
        "beat.log",
    )


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def wait_for(condition, timeout: float, what: str, *, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(every)
    raise SystemExit(f"Timed out waiting for {what}.")


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5); the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry))
    return found


def tree(pid: int) -> list[int]:
    """`pid` and its descendants: a Celery worker and its pool, gunicorn and its workers."""
    pids = [pid]
    for child in children(pid):
        pids += tree(child)
    return pids


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
