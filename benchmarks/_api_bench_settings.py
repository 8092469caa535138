"""Settings for benchmarks/api_people.py: netweave's, with URLs that add a bare endpoint."""

from netweave.settings import *  # noqa: F403

ROOT_URLCONF = "_api_bench_urls"
