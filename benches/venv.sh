#!/usr/bin/env bash
# benches/venv.sh AREA CMD...: runs CMD inside the venv for AREA, creating it on first use from
# benches/AREA/requirements.txt. lifetimes 0.11.3 only runs with old pins, so each area has its own.
set -euo pipefail
cd "$(dirname "$0")/.."
area="$1"; shift
venv="benches/.venv-$area"
req="benches/$area/requirements.txt"
if [ ! -x "$venv/bin/python" ] || [ "$req" -nt "$venv/.ok" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  [ -f "$req" ] && "$venv/bin/pip" install -q -r "$req"
  touch "$venv/.ok"
fi
PATH="$(pwd)/$venv/bin:$PATH" VIRTUAL_ENV="$(pwd)/$venv" "$@"
