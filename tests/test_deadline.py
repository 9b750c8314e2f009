"""The web server's client-side deadline on PostgreSQL round trips (serving/deadline.py)."""

import socket
from types import SimpleNamespace

import psycopg2
import pytest
from psycopg2 import extensions

from serving import deadline


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
