#!/usr/bin/env bash
# The PACS pull tests against a real Orthanc (tests/pacs, marker "pacs"). Orthanc listens on every
# interface whatever its configuration says, so the tests run inside a fresh network namespace
# whose only interface is loopback, deleted afterwards whatever happens. Needs root (ip netns).
# The run uses SQLite: a database server outside the namespace cannot be reached from inside.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "error: scripts/test-pacs.sh needs root to create a network namespace" >&2
    exit 1
fi
scripts/system-packages.sh

ns="vcf-pacs-$$-${RANDOM}"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
echo "== PACS pull tests (real Orthanc) in network namespace $ns"
ip netns exec "$ns" env -u DATABASE_URL -u REDIS_URL VCF_TEST_NETNS=1 \
    .venv/bin/python -m pytest -p no:cacheprovider -m pacs tests/pacs tests/faults "$@"
