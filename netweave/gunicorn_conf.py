"""gunicorn's settings for `netweave serve` (docs/deployment.md, "Processes").

The application is loaded once in gunicorn's master and the workers are forked from it, so each
worker starts with Django set up and the models' relation caches filled instead of paying for
both on its first requests. The objects loaded so far are moved out of the garbage collector's
reach before forking (gc.freeze): they live as long as the process, and a collection walking
them would touch, and so copy, every page a worker shares with the master.

No access log by default: a line per request with its path and time is a record of who looked
at which person, kept where the audit log's protections do not reach; the proxy in front keeps
its own. NETWEAVE_ACCESS_LOG=1 turns it on (to standard output) for debugging.
"""

from __future__ import annotations

import gc
import os
from typing import Any

preload_app = True
accesslog = "-" if os.environ.get("NETWEAVE_ACCESS_LOG", "").lower() in ("1", "true", "yes") \
    else None


def when_ready(server: Any) -> None:
    from django.apps import apps
    from django.db import connections

    for model in apps.get_models():
        model._meta.get_fields()  # fills Django's per-model relation caches once, here
    # A connection opened while loading would be shared by every forked worker.
    connections.close_all()
    gc.collect()
    gc.freeze()
