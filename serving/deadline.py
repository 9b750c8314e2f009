"""A client-side deadline on every PostgreSQL round trip, for a server that is alive to the kernel but stopped
(`kill -STOP`, a frozen VM): the server's statement_timeout cannot fire then, and TCP keepalives and
tcp_user_timeout do not either, since the kernel still acknowledges what is sent. psycopg2 waits through a
*wait callback* when one is set; this one waits at most `seconds` for the socket, then gives up with an
OperationalError, which the site answers with its 503 page (serving.middleware) and which makes Django close
that connection at the end of the request (it will not be used again).

Installed by the WSGI/ASGI entry points (`install`) when the default database is PostgreSQL, so in the web
server (and `runserver`, which loads the WSGI application); not in tests or other management commands. A wait
callback turns off COPY, which only the benchmarks use; server-side cursors and transactions work as before.
"""

import select
import threading
import time

import psycopg2
from django.conf import settings
from psycopg2 import extensions


class _GivenUp(threading.local):
    at = float("-inf")  # when this thread last gave up a round trip (time.monotonic())


_given_up = _GivenUp()


def wait_with_deadline(seconds):
    """A psycopg2 wait callback that waits at most `seconds` for each round trip. Within `seconds` after this thread
    gave one up, a new connection is not attempted: Django's check of a persistent connection (CONN_HEALTH_CHECKS)
    swallows a round trip given up and connects again at once, which on a stopped server would wait a second
    deadline before the request gets its 503. A connection being made carries no statement yet, so nothing is lost
    by not making it."""

    def wait(connection):
        if connection.status == extensions.STATUS_SETUP and time.monotonic() - _given_up.at < seconds:
            raise psycopg2.OperationalError("not connecting again: the database did not answer a moment ago")
        deadline = time.monotonic() + seconds
        while True:
            state = connection.poll()
            if state == extensions.POLL_OK:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _given_up.at = time.monotonic()
                raise psycopg2.OperationalError(f"the database did not answer within {seconds:g} s")
            if state not in (extensions.POLL_READ, extensions.POLL_WRITE):
                raise psycopg2.OperationalError(f"bad state from poll: {state}")
            poller = select.poll()  # not select.select: a worker may hold file descriptors over 1023
            poller.register(connection.fileno(), select.POLLIN if state == extensions.POLL_READ else select.POLLOUT)
            poller.poll(remaining * 1000)

    return wait


def install():
    """Set the deadline (DB_CLIENT_TIMEOUT seconds, 0 for none) when the default database is PostgreSQL. The
    web server's statements then end on the server a little before it (statement_timeout), so that a slow but
    live statement is cancelled by the server, which keeps the connection, rather than given up by the client;
    and the server stops a statement whose client has gone (client_connection_check_interval)."""
    seconds = getattr(settings, "DB_CLIENT_TIMEOUT", 0)
    database = settings.DATABASES["default"]
    if not seconds or database["ENGINE"] != "django.db.backends.postgresql":
        return
    extensions.set_wait_callback(wait_with_deadline(seconds))
    statement_ms = max(100, int(seconds * 1000) - 500)
    options = database.setdefault("OPTIONS", {})  # read when each connection opens
    options["options"] = f"-c statement_timeout={statement_ms} -c client_connection_check_interval=1000"
