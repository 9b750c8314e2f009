"""deploy/backup.sh and deploy/restore.sh on SQLite (bench/restore_check.py runs them on PostgreSQL and serves the
restored site)."""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import ROOT


def script(name, *args, env):
    return subprocess.run(
        [str(ROOT / "deploy" / name), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


@pytest.fixture
def site(tmp_path):
    """An SQLite database with a row and a media directory with a file."""
    database = tmp_path / "site.sqlite3"
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("CREATE TABLE answer (question TEXT)")
        connection.execute("INSERT INTO answer VALUES ('How do I replace a lost card?')")
    media = tmp_path / "media"
    (media / "markdownx").mkdir(parents=True)
    (media / "markdownx" / "photo.png").write_bytes(b"\x89PNG not really")
    return {"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media)}


@pytest.fixture
def backup(site, tmp_path):
    result = script("backup.sh", tmp_path / "backups", env=site)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def test_a_backup_is_a_timestamped_directory_with_the_database_and_the_media(backup, tmp_path):
    assert backup.parent == tmp_path / "backups"
    assert sorted(p.name for p in backup.iterdir()) == ["MANIFEST", "SHA256SUMS", "database.sqlite3", "media.tar.gz"]
    assert "engine=sqlite3" in (backup / "MANIFEST").read_text()


def test_a_backup_restores_into_a_fresh_database_and_media_directory(backup, tmp_path):
    target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "restored")}
    result = script("restore.sh", backup, env=target)
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(tmp_path / "restored.sqlite3")) as connection:
        assert connection.execute("SELECT question FROM answer").fetchall() == [("How do I replace a lost card?",)]
    assert (tmp_path / "restored" / "markdownx" / "photo.png").read_bytes() == b"\x89PNG not really"


def test_restore_overwrites_nothing(backup, site, tmp_path):
    into_the_site = script("restore.sh", backup, env=site)
    assert into_the_site.returncode != 0
    assert "not empty" in into_the_site.stderr
    into_an_existing_file = script("restore.sh", backup, env={**site, "MEDIA_ROOT": str(tmp_path / "empty")})
    assert into_an_existing_file.returncode != 0
    assert "exists" in into_an_existing_file.stderr


def test_a_damaged_backup_is_refused(backup, tmp_path):
    (backup / "media.tar.gz").write_bytes(b"truncated")
    target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "restored")}
    result = script("restore.sh", backup, env=target)
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert not (tmp_path / "restored.sqlite3").exists()


def test_a_postgresql_backup_does_not_restore_into_sqlite(backup, tmp_path):
    manifest = backup / "MANIFEST"
    manifest.write_text(manifest.read_text().replace("engine=sqlite3", "engine=postgresql"))
    target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "restored")}
    result = script("restore.sh", backup, env=target)
    assert result.returncode != 0
    assert "postgresql" in result.stderr
