#!/usr/bin/env bash
# The whole production stack on one machine: PostgreSQL, Redis, gunicorn, and
# nginx in front with the shipped cache configuration (deploy/nginx/).
#
#   make serve-stack                 # http://127.0.0.1:8080/
#   STACK_PORT=9000 make serve-stack
#
# PostgreSQL: DATABASE_URL if set, else a cluster of the stack's own under
# var/stack/postgres (initdb; as root it runs as the postgres user). Redis: a
# redis-server of its own on a free port (no persistence: it holds only caches).
# Everything started here is stopped on Ctrl-C. docs/deployment.md explains it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
STATE=${STACK_DIR:-$PWD/var/stack}
PORT=${STACK_PORT:-8080}
mkdir -p "$STATE"
free_port() { $BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "${REDIS_PORT:-}" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    [ -n "${PG_CTL:-}" ] && $AS_PG "$PG_CTL" -D "$STATE/postgres" -m fast -w stop >/dev/null 2>&1 || true
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
    PG_CTL=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort | tail -1)
    AS_PG=""
    if [ "$(id -u)" = 0 ]; then AS_PG="runuser -u postgres --"; chown postgres "$STATE"; fi
    PG_PORT=$(free_port)
    if [ ! -d "$STATE/postgres" ]; then
        $AS_PG "$(dirname "$PG_CTL")/initdb" -D "$STATE/postgres" -U postgres -A trust -E UTF8 >/dev/null
    fi
    $AS_PG "$PG_CTL" -D "$STATE/postgres" -l "$STATE/postgres.log" -w \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$STATE" start >/dev/null
    $AS_PG "$(dirname "$PG_CTL")/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres versus 2>/dev/null || true
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/versus"
fi

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --dir "$STATE" --logfile "$STATE/redis.log" --pidfile "$STATE/redis.pid"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

export DEBUG=${DEBUG:-false} HTTPS=${HTTPS:-false}
export SECRET_KEY=${SECRET_KEY:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export STATIC_ROOT=${STATIC_ROOT:-$PWD/staticfiles}
APP_PORT=$(free_port)
export BIND="127.0.0.1:$APP_PORT"

$BIN/python manage.py migrate --no-input -v0
$BIN/python manage.py collectstatic --no-input -v0
$BIN/python manage.py bootstrap --site-url "http://127.0.0.1:$PORT"
$BIN/gunicorn -c config/gunicorn.conf.py & pids+=($!)

# nginx with the shipped locations, on the stack's own prefix (never the system's nginx).
mkdir -p "$STATE/nginx"
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat > "$STATE/nginx/nginx.conf" <<CONF
daemon off;
pid $STATE/nginx/nginx.pid;
error_log $STATE/nginx/error.log warn;
$USER_LINE
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    client_body_temp_path $STATE/nginx/body;
    proxy_temp_path $STATE/nginx/proxy;
    fastcgi_temp_path $STATE/nginx/fastcgi;
    uwsgi_temp_path $STATE/nginx/uwsgi;
    scgi_temp_path $STATE/nginx/scgi;
    proxy_cache_path $STATE/nginx/cache levels=1:2 keys_zone=versus:16m max_size=256m inactive=1h use_temp_path=off;
    upstream versus_app { server 127.0.0.1:$APP_PORT; keepalive 32; }
    server {
        listen 127.0.0.1:$PORT;
        location /static/ { alias $STATIC_ROOT/; }
        include $PWD/deploy/nginx/versus-locations.conf;
    }
}
CONF
/usr/sbin/nginx -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" & pids+=($!)
echo "Versus: http://127.0.0.1:$PORT/ (nginx) -> gunicorn $BIND; PostgreSQL ${DATABASE_URL}; Redis $REDIS_URL"
wait -n "${pids[@]}"
