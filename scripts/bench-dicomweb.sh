#!/usr/bin/env bash
# DICOMweb benchmark (scripts/bench_dicomweb.py): our /dicomweb/ against Orthanc's DICOMweb plugin.
# Orthanc listens on every interface whatever its configuration says, so the benchmark runs inside a
# fresh network namespace whose only interface is loopback, deleted afterwards whatever happens.
# Needs root (ip netns). Extra arguments go to the Python script.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "error: scripts/bench-dicomweb.sh needs root to create a network namespace" >&2
    exit 1
fi
scripts/system-packages.sh

ns="vcf-bench-dw-$$-${RANDOM}"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" env -u DATABASE_URL -u REDIS_URL VCF_TEST_NETNS=1 \
    .venv/bin/python scripts/bench_dicomweb.py "$@"
