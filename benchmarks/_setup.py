"""Shared start-up for the scale benchmarks: a database of their own, Django set up."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any


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


def add_size_arguments(parser: Any) -> None:
    """The movement size flags every scale benchmark shares (issue 3's sizes by default)."""
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--networks", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=5_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--seeding-rate", type=float, default=0.3)
