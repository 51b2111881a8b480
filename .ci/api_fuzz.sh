#!/usr/bin/env bash
# Schemathesis against a live server on a throw-away database with the demo office and an
# all-scopes key: no 5xx on any input, every response as documented.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# A free port and a database named after the run's own (two CI runs side by side must not share either).
PORT="${FUZZ_PORT:-$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
WORK=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=config.settings.local
export DJANGO_DEBUG=false
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export CASEWORKS_API_THROTTLE_RATE=100000/minute
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  base="${DATABASE_URL%/*}"
  fuzz_db="${DATABASE_URL##*/}_fuzz"
  # A copy of the suite's migrated template (built here first on a fresh server, then the suite's
  # and the chaos tests' databases are copies of it too): the migrations are applied once a run.
  $PY -m tests.db_template "$DATABASE_URL" "$fuzz_db"
  export DATABASE_URL="$base/$fuzz_db"
else
  export DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3"
fi
export CELERY_TASK_ALWAYS_EAGER=true
# Nothing left to apply on a template copy; the post-migrate set-up (roles, schedules) still runs.
$PY manage.py migrate -v0 --noinput
# DEBUG is off, as in production: the manifest storage needs collected static files to render a page.
export CASEWORKS_STATIC_ROOT="$WORK/static"
$PY manage.py collectstatic -v0 --noinput
$PY manage.py seed_demo --password "fuzz-$(date +%s)" >/dev/null
KEY=$($PY manage.py create_partner_key "Fuzz Agency" --scopes all --all-counties 2>/dev/null | tail -n1)
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
set +e
.venv/bin/st run "http://127.0.0.1:$PORT/api/schema/" -H "Authorization: Bearer $KEY" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${FUZZ_EXAMPLES:-30}" --request-timeout 30 --no-color
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "--- server errors"; grep -B2 -A25 "Traceback" "$WORK/server.log" | tail -n 200
fi
exit $status
