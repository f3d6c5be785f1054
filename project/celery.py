"""The Celery app: configured from Django settings (the CELERY_ names), tasks found per app."""

import os

from celery import Celery
from celery.signals import heartbeat_sent, task_postrun, task_prerun, worker_ready
from django.db import connections

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


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(**kwargs):
    # As Django does around each request: a connection is kept across tasks until it is
    # older than CONN_MAX_AGE or broken (settings.CELERY_DB_REUSE_MAX keeps Celery's
    # fixup from closing it around every task).
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
