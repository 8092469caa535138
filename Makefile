# The two commands: `make demo` runs the app with demo data, `make test` runs the whole suite.
.PHONY: demo test setup lint bench production

demo:
	scripts/demo

test:
	scripts/test

setup:
	scripts/setup

lint:
	.venv/bin/ruff check netweave && .venv/bin/mypy netweave

bench:
	.venv/bin/python benchmarks/page_render.py

production:
	scripts/production
