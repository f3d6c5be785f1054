"""The Celery app: configured from Django settings (the CELERY_ names), tasks found per app."""

import os

from celery import Celery
from celery.signals import heartbeat_sent, worker_ready

from dashboard.health import record_heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("aviary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
@heartbeat_sent.connect
def _record_heartbeat(sender=None, **kwargs):
    # The dashboard shows a worker as alive while its key is fresh (dashboard.health).
    hostname = getattr(sender, "hostname", None) or getattr(
        getattr(sender, "eventer", None), "hostname", "worker"
    )
    record_heartbeat(hostname)
