"""Helpers of deploy/backup.sh and deploy/restore.sh: what DATABASE_URL names, and SQLite's online backup.

python deploy/database.py engine URL          postgresql | sqlite3 | …
python deploy/database.py name URL            the database name (an SQLite file's path)
python deploy/database.py sqlite-copy FROM TO a consistent copy of an SQLite database, even while it is written
"""

import sqlite3
import sys
from contextlib import closing

import dj_database_url


def main(command, *args):
    if command in {"engine", "name"}:
        config = dj_database_url.parse(args[0])
        print(config["ENGINE"].rsplit(".", 1)[-1] if command == "engine" else config["NAME"])
    elif command == "sqlite-copy":
        source, target = args
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as origin:
            with closing(sqlite3.connect(target)) as copy:
                origin.backup(copy)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(*sys.argv[1:])
