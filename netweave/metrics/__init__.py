"""Metrics: pure functions from the ledger and tables to numbers and time series.

Every metric is defined once (see docs/metrics.md) as a function of the chapter ids a caller may
see and a reference date; the front doors get the chapter ids from `selectors.metrics_chapters_for`.
"""
