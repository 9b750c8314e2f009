"""The web server's client-side deadline on PostgreSQL round trips (serving/deadline.py)."""

import socket
from types import SimpleNamespace

import psycopg2
import pytest
from psycopg2 import extensions

from serving import deadline, faults


class Silent:
    """A connection whose server never answers: poll() always wants to read, and nothing ever comes."""

    def __init__(self):
        self.ours, self.theirs = socket.socketpair()
        self.polls = 0

    def poll(self):
        self.polls += 1
        return extensions.POLL_READ

    def fileno(self):
        return self.ours.fileno()


class Answering(Silent):
    """A connection that is done once the server's bytes arrived."""

    def poll(self):
        self.polls += 1
        return extensions.POLL_OK if self.polls > 1 else extensions.POLL_READ


def test_a_server_that_never_answers_is_given_up_with_an_operational_error():
    connection = Silent()
    with pytest.raises(psycopg2.OperationalError, match="did not answer within 0.2 s"):
        deadline.wait_with_deadline(0.2)(connection)
    assert connection.polls >= 1


def test_a_server_that_answers_is_waited_for():
    connection = Answering()
    connection.theirs.send(b"x")
    deadline.wait_with_deadline(5)(connection)
    assert connection.polls == 2


class Refusing(Silent):
    """A connection the server refuses (a restart): the driver's error, at once."""

    def poll(self):
        self.polls += 1
        raise psycopg2.OperationalError("connection refused")


def test_a_round_trip_given_up_takes_the_database_as_down_and_the_next_one_fails_at_once():
    """The next one is Django connecting again after its check of the connection (CONN_HEALTH_CHECKS) failed: on a
    stopped server it would wait a second deadline."""
    wait = deadline.wait_with_deadline(0.2)
    with pytest.raises(psycopg2.OperationalError, match="did not answer within 0.2 s"):
        wait(Silent())
    assert faults.database_down()
    reconnection = Answering()
    with pytest.raises(psycopg2.OperationalError, match="taken as down"):
        wait(reconnection)
    assert reconnection.polls == 0  # not even tried


def test_a_server_that_refuses_is_not_taken_as_down_by_the_deadline():
    with pytest.raises(psycopg2.OperationalError, match="connection refused"):
        deadline.wait_with_deadline(5)(Refusing())
    assert not faults.database_down()  # a restart: Django connects again at once (the middleware decides)


def test_installed_only_for_postgresql(monkeypatch):
    installed = []
    monkeypatch.setattr(extensions, "set_wait_callback", installed.append)

    def configured(engine, seconds):
        databases = {"default": {"ENGINE": f"django.db.backends.{engine}"}}
        monkeypatch.setattr(deadline, "settings", SimpleNamespace(DATABASES=databases, DB_CLIENT_TIMEOUT=seconds))

    configured("sqlite3", 5)
    deadline.install()
    assert installed == []
    configured("postgresql", 5)
    deadline.install()
    assert len(installed) == 1
    options = deadline.settings.DATABASES["default"]["OPTIONS"]["options"]
    assert "statement_timeout=4500" in options  # the server ends a slow statement first, keeping the connection
    configured("postgresql", 0)
    deadline.install()
    assert len(installed) == 1
