#!/usr/bin/env bash
# Runs the notebook example (executed with nbclient, outputs not committed) inside the venv
# that `make test` built; the Rust examples are run by the Makefile itself.
set -euo pipefail
cd "$(dirname "$0")"
PY="${VENV:-../.venv}/bin/python"
work="$(mktemp -d)"
cp notebook.ipynb "$work/"
(cd "$work" && "$PY" - <<'PYEOF'
import nbformat
from nbclient import NotebookClient
nb = nbformat.read("notebook.ipynb", as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3").execute()
n = sum(1 for c in nb.cells if c.cell_type == "code")
print(f"notebook: {n} code cells executed without error")
PYEOF
)
rm -rf "$work"
