#!/usr/bin/env bash
# Checks a segcore HTML report in headless Debian Chromium and writes a full-page screenshot.
#   bash tools/report-check/run.sh <report.html> <screenshot.png> [--strict]
# Installs Debian's chromium when /usr/bin/chromium is missing (needs root, as on the project's
# machines) and playwright-core from the npm registry (no browser download).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$#" -lt 2 ]; then
  echo "usage: $0 <report.html> <screenshot.png> [--strict]" >&2
  exit 2
fi
report="$(realpath "$1")"
shot="$(realpath -m "$2")"
shift 2
if [ ! -x /usr/bin/chromium ]; then
  echo "report-check: installing chromium (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$(dirname "$shot")"
exec node "$here/check.mjs" "$report" "$shot" "$@"
