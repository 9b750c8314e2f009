"""The web server's client-side deadline on PostgreSQL round trips (serving/deadline.py)."""

import socket
import threading
import time
from types import SimpleNamespace

import psycopg2
import pytest
from psycopg2 import extensions

from serving import deadline


class Silent:
    """A connection whose server never answers: poll() always wants to read, and nothing ever comes."""

    status = extensions.STATUS_READY

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


def test_a_server_that_never_answers_is_given_up_with_an_operational_error(fresh_thread):
    connection = Silent()
    with pytest.raises(psycopg2.OperationalError, match="did not answer within 0.2 s"):
        deadline.wait_with_deadline(0.2)(connection)
    assert connection.polls >= 1


def test_a_server_that_answers_is_waited_for():
    connection = Answering()
    connection.theirs.send(b"x")
    deadline.wait_with_deadline(5)(connection)
    assert connection.polls == 2


class Connecting(Answering):
    """A connection being made (psycopg2's status while it connects)."""

    status = extensions.STATUS_SETUP


class Refusing(Silent):
    """A connection the server refuses (a restart): the driver's error, at once."""

    def poll(self):
        self.polls += 1
        raise psycopg2.OperationalError("connection refused")


@pytest.fixture
def fresh_thread(monkeypatch):
    """This thread as one that never gave up a round trip."""
    monkeypatch.setattr(deadline, "_given_up", deadline._GivenUp())


def test_right_after_a_round_trip_given_up_the_thread_does_not_connect_again(fresh_thread):
    """What Django does after its check of a persistent connection (CONN_HEALTH_CHECKS) failed: connect again,
    which on a stopped server would wait a second deadline."""
    wait = deadline.wait_with_deadline(0.2)
    with pytest.raises(psycopg2.OperationalError, match="did not answer within 0.2 s"):
        wait(Silent())
    reconnection = Connecting()
    with pytest.raises(psycopg2.OperationalError, match="not connecting again"):
        wait(reconnection)
    assert reconnection.polls == 0  # not even tried
    statement = Answering()  # a round trip on a connection that is open is waited for as ever
    statement.theirs.send(b"x")
    wait(statement)
    assert statement.polls == 2


def test_a_thread_connects_again_once_the_deadline_has_passed(fresh_thread):
    wait = deadline.wait_with_deadline(0.2)
    with pytest.raises(psycopg2.OperationalError):
        wait(Silent())
    time.sleep(0.25)
    reconnection = Connecting()
    reconnection.theirs.send(b"x")
    wait(reconnection)
    assert reconnection.polls == 2


def test_another_thread_connects_as_usual(fresh_thread):
    wait = deadline.wait_with_deadline(5)
    deadline._given_up.at = time.monotonic()  # this thread has just given up a round trip
    connected = []

    def connect():
        reconnection = Connecting()
        reconnection.theirs.send(b"x")
        wait(reconnection)
        connected.append(reconnection.polls)

    other = threading.Thread(target=connect)
    other.start()
    other.join()
    assert connected == [2]
    with pytest.raises(psycopg2.OperationalError, match="not connecting again"):
        wait(Connecting())


def test_a_refused_connection_does_not_stop_the_next_one(fresh_thread):
    wait = deadline.wait_with_deadline(5)
    with pytest.raises(psycopg2.OperationalError, match="connection refused"):
        wait(Refusing())
    reconnection = Connecting()  # a restart: Django connects again at once
    reconnection.theirs.send(b"x")
    wait(reconnection)
    assert reconnection.polls == 2


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
