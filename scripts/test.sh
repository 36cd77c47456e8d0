#!/usr/bin/env bash
# The whole test suite: lint and types, pytest on SQLite, the PACS tests against Orthanc in a network
# namespace, then the database-backed tests again on a real PostgreSQL that this script starts on
# 127.0.0.1 and stops afterwards.
# Extra arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/system-packages.sh
scripts/frontend.sh
PY=.venv/bin/python

echo "== lint (ruff) and types (mypy)"
"$PY" -m ruff check .
"$PY" -m ruff format --check --quiet .
"$PY" -m mypy vcfweb studies inference

echo "== viewer: types and unit tests (tsc, vitest)"
(cd frontend && npm run --silent typecheck && npm test --silent)

echo "== tests on SQLite"
env -u DATABASE_URL "$PY" -m pytest -p no:cacheprovider "$@"

echo "== PACS pull against a real Orthanc, in a loopback-only network namespace"
scripts/test-pacs.sh

echo "== tests on PostgreSQL"
pg_dir="$(mktemp -d /tmp/vcf-pg.XXXXXX)"
chmod 755 "$pg_dir"
pg_port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
trap 'scripts/postgres.sh stop "$pg_dir"' EXIT
database_url="$(scripts/postgres.sh start "$pg_dir" "$pg_port")"
# tests/inference never touches a database (inference/ cannot import Django), and tests/listener, tests/load,
# tests/integration and two fault tests run real processes on their own SQLite files whatever
# DATABASE_URL says: once is enough.
DATABASE_URL="$database_url" "$PY" -m pytest -p no:cacheprovider \
    --ignore=tests/inference --ignore=tests/listener --ignore=tests/integration --ignore=tests/load \
    --ignore=tests/faults/test_worker_killed.py --ignore=tests/faults/test_analysis_save_lost.py "$@"
