#!/usr/bin/env bash
# Set everything up and run the demo: web server and queue worker on 127.0.0.1, demo users and
# a phantom cohort analysed in the background, part of it then reviewed by the demo radiologists.
# Ctrl-C stops them all. VCF_PORT changes the port (default 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/frontend.sh
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"
port="${VCF_PORT:-8000}"

"$PY" manage.py migrate --noinput
password="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(9))')"
"$PY" manage.py setup_roles --demo --password "${VCF_DEMO_PASSWORD:-$password}"
# A phantom cohort (~30 studies, rendered once into var/demo-cohort) imported like real studies;
# the worker below analyses it in the background, so the first pages already show results.
"$PY" manage.py load_demo_cohort
"$PY" manage.py setup_schedules

mkdir -p var/log
"$PY" manage.py qcluster >var/log/qcluster.log 2>&1 &
worker=$!
# Once the analyses are done, the demo radiologists review part of the flagged cases (agreed,
# disputed, resolved, half-read), so the worklist and the statistics are not empty. Idempotent.
"$PY" manage.py demo_reviews --wait 900 >var/log/demo-reviews.log 2>&1 &
reviewer=$!
trap 'kill "$worker" "$reviewer" 2>/dev/null; wait "$worker" "$reviewer" 2>/dev/null || true' EXIT INT TERM
echo "Queue worker started (pid $worker, log var/log/qcluster.log)."
echo "Demo reviews follow the analyses (pid $reviewer, log var/log/demo-reviews.log)."
echo
echo "VCF Sentinel: http://127.0.0.1:$port/   (log in with a demo user above; Ctrl-C stops)"
echo
"$PY" manage.py runserver "127.0.0.1:$port" --noreload
