"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py`.

Every value can be overridden from the environment, so one file serves a
laptop, a container and a fleet behind a load balancer (docs/deployment.md).
https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# Where to listen: BIND wins; otherwise PORT on every interface (what
# container platforms expect); otherwise the local default.
if os.environ.get("BIND"):
    bind = os.environ["BIND"].split(",")
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

# Synchronous workers, one per core plus one to cover a worker waiting on
# PostgreSQL or Redis. A page is CPU work (an uncached pair page runs no query
# once its models are in memory), so more workers only contend for the cores:
# on 2 cores an uncached pair page cost 3.2 ms of CPU with 2 workers, 3.7 ms
# with 3 and 4.9 ms with the usual 2 x cores + 1 (bench/, docs/benchmarks.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# Load Django once in the master and fork: faster start, shared memory pages.
preload_app = True
# A request that takes this long is stuck; the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep connections from the load balancer open between requests.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so memory stays bounded; the jitter keeps them
# from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Heartbeat files on tmpfs: a slow disk must not get workers killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket (for gunicornc) defaults to one path per user, so
# two servers on a host replaced each other's. Nothing here uses it: off,
# unless GUNICORN_CONTROL_SOCKET names a path of this instance's own.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logging ---------------------------------------------------------------------
# The access log records the path without its query string: a query string may
# carry something private (partner keys travel in headers, but a partner might
# still paste one into a URL). Set ACCESS_LOG to a path, "-" for stderr (the
# default), or "off".
_access_log = os.environ.get("ACCESS_LOG", "-")
accesslog = None if _access_log.lower() in {"", "off", "none"} else _access_log
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = os.environ.get("ERROR_LOG", "-")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
