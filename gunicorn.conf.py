"""gunicorn's settings for production (`make serve`, docs/deployment.md).

Read by gunicorn itself (`gunicorn -c gunicorn.conf.py sscard_kb.wsgi`); every value an operator may change comes
from the environment: HOST and PORT (where to listen), WEB_CONCURRENCY (workers), GUNICORN_TIMEOUT,
GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_KEEPALIVE, GUNICORN_ACCESS_LOG (`false`: no access log, when the proxy keeps
one) and FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "sscard_kb.wsgi:application"
bind = f"{os.environ.get('HOST', '').strip() or '127.0.0.1'}:{_int('PORT', 8000)}"

# Sync workers: 2 × cores + 1, at most 12 (each holds a database connection), unless WEB_CONCURRENCY says.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))

# A request running longer than this is killed with its worker (a reader page takes milliseconds).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGHUP or SIGTERM, workers finish the requests they hold for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds to keep an idle connection from the proxy open (longer than nginx's upstream keepalive is not needed).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Logs to the standard streams, for the process manager or the container runtime to collect.
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG", "").strip().lower() in {"0", "false", "no", "off"} else "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "").strip().lower() or "info"

# The proxy's X-Forwarded-* headers are believed from these addresses only (the proxy on this machine by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"

# No control socket in ~/.gunicorn: the process manager starts, reloads (SIGHUP) and stops gunicorn by signal.
control_socket_disable = True
