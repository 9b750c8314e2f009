"""What the benchmarks share: the machine check they print, and their PostgreSQL databases."""

import time
from urllib.parse import urlsplit, urlunsplit


def machine_check() -> float:
    """The best of five runs of a fixed Python loop, in ms: how fast this machine is now (a shared virtual
    machine's speed changes from hour to hour, and with it every figure of a benchmark)."""
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def _admin_execute(url, statements, prefix="sscard_bench"):
    """Run `statements` ("… {} …", the database's name quoted in place of {}) in the server's `postgres`, on a
    database whose name starts with `prefix` only."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(prefix):
        raise SystemExit(f"Refusing to recreate {name!r}: this benchmark only uses databases named {prefix}…")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(sql.SQL(statement).format(sql.Identifier(name)))
    finally:
        admin.close()


def recreate_database(url, prefix="sscard_bench"):
    _admin_execute(url, ["DROP DATABASE IF EXISTS {}", "CREATE DATABASE {}"], prefix)


def drop_database(url, prefix="sscard_bench"):
    _admin_execute(url, ["DROP DATABASE IF EXISTS {}"], prefix)
