"""Taking data out: tables as CSV and JSON, the lineage as a generation table, events as
iCalendar feeds (docs/exporting.md)."""
