#!/usr/bin/env bash
# Install everything the test suite needs and run all of it.
#  - Debian packages: chromium (browser tests), postgresql (store tests) and poppler-utils (page images of the
#    briefs), when apt-get is available
#  - a virtual environment in .venv with the project and its test extra
#  - a throwaway PostgreSQL cluster on loopback for the run, removed afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" fonts-dejavu-core >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

# A PostgreSQL server of our own on loopback, only for this run
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "${pg_bin}" ] && [ -z "${HRC_TEST_POSTGRES_URL:-}" ]; then
  pg_dir=$(mktemp -d)
  chmod 755 "$pg_dir"
  pg_port=$(( 20000 + RANDOM % 20000 ))
  run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  run_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir" -l "$pg_dir/log" -w start >/dev/null
  trap 'run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
  run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres hrc_test
  export HRC_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/hrc_test"
  echo "PostgreSQL for the store tests on 127.0.0.1:$pg_port"
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exits 5 when it collected nothing: that is a failure here, not a pass
exit $status
