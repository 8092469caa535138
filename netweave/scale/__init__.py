"""A synthetic movement at the sizes issues name (a million people, 100k networks, millions of
ledger rows), for benchmarks and for trying the app at scale.

Not a Django app: plain modules used by the `generate` command, the benchmarks and the tests.
The demo (netweave/demo) builds a small movement row by row through the models so that every
detail agrees; this package plans in flat lists and loads with the database's bulk path
(executemany on SQLite, COPY on PostgreSQL) because bulk_create is ~45k rows/s (DESIGN.md) and
would take minutes at these sizes.
"""

from netweave.scale.generate import Generated, Size, generate

__all__ = ["Generated", "Size", "generate"]
