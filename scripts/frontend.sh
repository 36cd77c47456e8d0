#!/usr/bin/env bash
# Build the image viewer (frontend/, Vite + Cornerstone3D) into frontend/static/viewer/, which
# Django serves as static files. Installs exactly the committed lock file (npm ci) and never
# downloads a browser. Safe to re-run: it rebuilds only when the sources or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/../frontend"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "error: Node.js 20 or newer with npm is needed to build the viewer (https://nodejs.org)." >&2
    exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    echo "error: Node.js $(node --version) is too old to build the viewer: 20 or newer is needed." >&2
    exit 1
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false

sources_hash() {
    local inputs=()
    for path in package.json package-lock.json tsconfig.json vite.config.ts vite.config.js index.html src; do
        [ -e "$path" ] && inputs+=("$path")
    done
    find "${inputs[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.vcf-lock ] || [ "$(cat node_modules/.vcf-lock)" != "$lock_hash" ]; then
    echo "Installing the viewer's npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.vcf-lock
fi
stamp=static/viewer/.vcf-build
want="$(sources_hash)"
if [ -f static/viewer/viewer.js ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "Building the viewer (npm run build)"
npm run build --silent
[ -f static/viewer/viewer.js ] || { echo "error: the build did not write static/viewer/viewer.js" >&2; exit 1; }
echo "$want" > "$stamp"
