"""A client-side deadline on every PostgreSQL round trip, for a server that is alive to the kernel but stopped
(`kill -STOP`, a frozen VM): the server's statement_timeout cannot fire then, and TCP keepalives and
tcp_user_timeout do not either, since the kernel still acknowledges what is sent. psycopg2 waits through a
*wait callback* when one is set; this one waits at most `seconds` for the socket, then gives up with an
OperationalError, which the site answers with its 503 page (serving.middleware) and which makes Django close
that connection at the end of the request (it will not be used again).

Installed by the WSGI/ASGI entry points (`install`) when the default database is PostgreSQL; not in tests or
management commands (a wait callback turns COPY off, which the benchmarks use).
"""

import select
import time

import psycopg2
from django.conf import settings
from psycopg2 import extensions


def wait_with_deadline(seconds):
    """A psycopg2 wait callback that waits at most `seconds` for each round trip."""

    def wait(connection):
        deadline = time.monotonic() + seconds
        while True:
            state = connection.poll()
            if state == extensions.POLL_OK:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise psycopg2.OperationalError(f"the database did not answer within {seconds:g} s")
            if state == extensions.POLL_READ:
                select.select([connection.fileno()], [], [], remaining)
            elif state == extensions.POLL_WRITE:
                select.select([], [connection.fileno()], [], remaining)
            else:
                raise psycopg2.OperationalError(f"bad state from poll: {state}")

    return wait


def install():
    """Set the deadline (DB_CLIENT_TIMEOUT seconds, 0 for none) when the default database is PostgreSQL."""
    seconds = getattr(settings, "DB_CLIENT_TIMEOUT", 0)
    if seconds and settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        extensions.set_wait_callback(wait_with_deadline(seconds))
