#!/usr/bin/env bash
# Install the dashboard in .venv and open it on the embedded Pittsburgh snapshot.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
exec .venv/bin/streamlit run serve.py "$@"
