"""Is a worker alive, and how deep is the queue? Read from the broker, cheaply, for the
dashboard. Workers write a heartbeat key (see project.celery); nothing here waits on them."""

import time
from dataclasses import dataclass
from urllib.parse import urlparse

import redis
from django.conf import settings

HEARTBEAT_PREFIX = "aviary:worker:"
HEARTBEAT_TTL_SECONDS = 30
QUEUE_NAME = "celery"


@dataclass
class Health:
    workers: list[str]
    queue_depth: int | None
    error: str = ""

    @property
    def worker_alive(self) -> bool:
        return bool(self.workers)


def _client() -> redis.Redis | None:
    url = settings.CELERY_BROKER_URL
    if urlparse(url).scheme not in {"redis", "rediss"}:
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def record_heartbeat(hostname: str) -> None:
    client = _client()
    if client is not None:
        client.set(f"{HEARTBEAT_PREFIX}{hostname}", int(time.time()), ex=HEARTBEAT_TTL_SECONDS)


def read_health() -> Health:
    try:
        client = _client()
        if client is None:
            return Health(workers=[], queue_depth=None, error="Only a Redis broker can be read.")
        names = sorted(
            key.decode()[len(HEARTBEAT_PREFIX) :]
            for key in client.scan_iter(match=f"{HEARTBEAT_PREFIX}*", count=100)
        )
        return Health(workers=names, queue_depth=client.llen(QUEUE_NAME))
    except redis.RedisError:
        return Health(workers=[], queue_depth=None, error="The broker (Redis) is not answering.")
