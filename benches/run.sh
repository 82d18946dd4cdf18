#!/usr/bin/env bash
# `make bench`: runs every side-by-side comparison. Each area's script installs its anchor tool
# (scikit-learn, polars, lifetimes) from benches/AREA/requirements.txt in its own venv under
# benches/.venv-AREA (ignored by git); the segcore side is a release build of the bench examples.
# `bash benches/run.sh cluster churn` runs a subset. Thread counts are pinned to the machine's
# cores for both tools (OpenMP/BLAS and rayon alike) and printed by each script.
set -euo pipefail
cd "$(dirname "$0")/.."
areas=("$@")
if [ ${#areas[@]} -eq 0 ]; then areas=(features clv cluster churn); fi
threads="$(nproc)"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
export RAYON_NUM_THREADS="$threads"
cargo build --release -p segcore --examples
for area in "${areas[@]}"; do
  script="benches/$area/bench_$area.py"
  if [ -f "$script" ]; then
    echo "== bench: $area (load: $(cut -d' ' -f1-3 /proc/loadavg)) =="
    bash benches/venv.sh "$area" python "$script"
  fi
done
