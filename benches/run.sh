#!/usr/bin/env bash
# `make bench`: runs every side-by-side comparison. Each area's script installs its anchor tool
# (scikit-learn, polars, lifetimes) in its own venv under benches/.venv-* (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
areas=("$@")
if [ ${#areas[@]} -eq 0 ]; then areas=(features clv cluster churn); fi
for area in "${areas[@]}"; do
  script="benches/$area/bench_$area.py"
  if [ -f "$script" ]; then
    echo "== bench: $area =="
    bash benches/venv.sh "$area" python "$script"
  fi
done
