# Shortcuts for the scripts in scripts/ (the README uses the scripts directly).
.PHONY: setup demo test lint

setup:
	scripts/bootstrap.sh

demo:
	scripts/demo.sh

test:
	scripts/test.sh

lint:
	scripts/bootstrap.sh && .venv/bin/python -m ruff check . && .venv/bin/python -m mypy vcfweb studies inference
