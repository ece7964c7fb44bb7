#!/usr/bin/env bash
# Install the dashboard in .venv and open it on the embedded Pittsburgh snapshot.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
# The dashboard's own modules as bytecode now, as pip compiles every library it installs: an editable install
# leaves them as source, and where the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE) the
# server would compile them again at every start, while its first visitor waits (0.1 s of a 2-CPU machine)
.venv/bin/python -m compileall -q indicators ui serve.py
exec .venv/bin/streamlit run serve.py "$@"
