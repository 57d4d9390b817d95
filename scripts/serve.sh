#!/bin/sh
# What `make run` does after installing (CONTRACT §1): create or migrate the database, load the demo data (once;
# seed-demo is idempotent), then serve with gunicorn on http://127.0.0.1:$PORT (default 5000).
#   PORT=8080 sh scripts/serve.sh
# Environment: PORT, WEB_CONCURRENCY (worker processes, default 2), WEB_WORKER_CLASS (default gthread; sync serves
# scanners best, README "Scaling out"), WEB_THREADS (default 4, gthread only), VENV (default .venv), PRINT_WORKER (default
# inline: each gunicorn worker runs the print queue's worker in a thread, started on that worker's first request,
# so after the fork and never in the master), JOB_WORKER (default inline: the background-job worker likewise), plus the app's own (DATABASE_URL, SECRET_KEY, PRINTER_URL, ...).
set -eu
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PORT="${PORT:-5000}"
export PRINT_WORKER="${PRINT_WORKER:-inline}" JOB_WORKER="${JOB_WORKER:-inline}"
"$VENV/bin/flask" --app service_app init-db
"$VENV/bin/flask" --app service_app seed-demo
echo "serving on http://127.0.0.1:$PORT"
# No --preload: the app (its database engine, its thread) is created in each worker after the fork.
# No control socket: its default is one path per user ($HOME/.gunicorn/gunicorn.ctl), which a second checkout or
# a test server would take over, and nothing here uses gunicornc.
exec "$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers "${WEB_CONCURRENCY:-2}" \
    --worker-class "${WEB_WORKER_CLASS:-gthread}" --threads "${WEB_THREADS:-4}" --no-control-socket \
    --access-logfile - 'service_app:create_app()'
