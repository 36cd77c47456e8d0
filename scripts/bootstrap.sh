#!/usr/bin/env bash
# Create .venv and install the project with its dev/test tools. Safe to re-run: it reinstalls
# only when pyproject.toml changed. Torch goes in first, pinned to the CPU wheel this project
# is tested with; set VCF_TORCH_SPEC to install another build (e.g. a CUDA one on a GPU site).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VCF_VENV:-.venv}"
TORCH_SPEC="${VCF_TORCH_SPEC:-torch==2.13.0}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
    exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "Installing python3-venv (needs root)…"
    apt-get update -qq && apt-get install -y -qq python3-venv
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.vcf-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $TORCH_SPEC"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "Installing dependencies into $VENV (torch: $TORCH_SPEC)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$TORCH_SPEC"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
echo "$want" > "$stamp"
