"""Shared start-up for the scale benchmarks: a database of their own, Django set up."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def django_on(database_url: str) -> str:
    """Point Django at `database_url`, or at a fresh SQLite file in a temporary folder, and
    migrate it. Returns the database engine's short name."""
    tmp = tempfile.mkdtemp(prefix="netweave-scale-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{Path(tmp) / 'scale.sqlite3'}"
    os.environ["NETWEAVE_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
