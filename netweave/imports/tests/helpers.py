"""Shared helpers for the import tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netweave.imports import services
from netweave.imports.models import ImportRun

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def run_file(actor: Any, chapter: Any, data: bytes, *, filename: str = "people.csv",
             mapping: dict[str, str] | None = None, defaults: dict | None = None,
             batch_rows: int = 5000) -> ImportRun:
    """Upload, map (the proposal, changed by `mapping`), start and run to the end."""
    run = services.import_upload(actor=actor, chapter=chapter, filename=filename, data=data)
    if mapping is not None or defaults is not None:
        full = dict(run.mapping)
        full.update(mapping or {})
        services.import_set_mapping(actor=actor, run=run, mapping=full, defaults=defaults)
    services.import_start(actor=actor, run=run)
    return services.import_execute(run_id=run.id, batch_rows=batch_rows)


def outcomes(run: ImportRun) -> dict[int, str]:
    return {o["row"]: o["outcome"] for o in run.sample}
