"""Back up a database with content, restore it into a fresh PostgreSQL database and check that the site serves it.

    .venv/bin/python bench/restore_check.py [--server postgres://postgres@127.0.0.1:5432] [--keep]

1. Builds a source database `sscard_ops_backup_source` as `make setup` does (migrate, the law texts, the source
   texts) and puts an uploaded image in a media directory.
2. deploy/backup.sh backs both up.
3. deploy/restore.sh restores the backup into a new database `sscard_ops_restore` and an empty media directory.
4. `manage.py runserver` on the restored database and media; an answer page, a law article page and the image
   must answer 200, the answer page with its question.
Prints each step and exits non-zero on the first failure. The databases are dropped at the end unless --keep.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SOURCE, RESTORED = "sscard_ops_backup_source", "sscard_ops_restore"
KNOWN_PAGES = """
import json
from articles.models import Answer
from legal_refs.models import Provision
answer = Answer.objects.filter(status="published").order_by("pk").first()
provision = Provision.objects.exclude(versions=None).order_by("pk").first()
print(json.dumps({"answer": answer.get_absolute_url(), "question": answer.question,
                  "article": provision.get_absolute_url()}))
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe02fea70000000049454e44ae426082"
)


def step(message):
    print(f"== {message}", flush=True)


def admin_sql(server, *statements):
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(server)._replace(path="/postgres")))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def database_url(server, name):
    assert name.startswith("sscard_ops"), name  # the only databases this script creates or drops
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def recreate(server, name):
    database_url(server, name)
    admin_sql(server, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')


def run(command, env, capture=False):
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, text=True, capture_output=capture)  # noqa: S603
    return result.stdout if capture else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a local http:// URL)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def serve_and_check(env, pages):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (this project's manage.py)
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(f"{base}/robots.txt")
                break
            except OSError:
                time.sleep(0.2)
        failures = []
        for path, must_contain in pages:
            status, body = fetch(base + path)
            ok = status == 200 and (must_contain is None or must_contain in body)
            print(f"   {status} {path}{'' if ok else '  <-- FAILED'}")
            if not ok:
                failures.append(path)
        return failures
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    args = parser.parse_args()
    base_env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "MEDIA_ROOT"}}
    base_env.update(DEBUG="true", LOG_LEVEL="WARNING")

    with tempfile.TemporaryDirectory(prefix="sscard-restore-check-") as scratch:
        scratch = Path(scratch)
        source = {**base_env, "DATABASE_URL": database_url(args.server, SOURCE), "MEDIA_ROOT": str(scratch / "media")}
        restored = {
            **base_env,
            "DATABASE_URL": database_url(args.server, RESTORED),
            "MEDIA_ROOT": str(scratch / "media-restored"),
        }
        try:
            step(f"source database {SOURCE}: migrate, import the law texts and the source texts")
            recreate(args.server, SOURCE)
            run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], source)
            run([PYTHON, "manage.py", "import_law_text", "fixtures/laws/"], source, capture=True)
            run([PYTHON, "manage.py", "import_source_texts", "fixtures/source/"], source, capture=True)
            image = scratch / "media" / "markdownx" / "restore-check.png"
            image.parent.mkdir(parents=True)
            image.write_bytes(PNG)
            known = json.loads(
                run([PYTHON, "manage.py", "shell", "--no-imports", "-v0", "-c", KNOWN_PAGES], source, capture=True)
            )

            step("deploy/backup.sh")
            backup = run(["deploy/backup.sh", str(scratch / "backups")], source, capture=True).strip()
            print(f"   {backup}: {', '.join(sorted(p.name for p in Path(backup).iterdir()))}")

            step(f"drop the source; deploy/restore.sh into a fresh {RESTORED}")
            admin_sql(args.server, f'DROP DATABASE "{SOURCE}"')
            recreate(args.server, RESTORED)
            print("  ", run(["deploy/restore.sh", backup], restored, capture=True).strip())

            step("runserver on the restored database and media")
            pages = [
                (known["answer"], known["question"]),
                (known["article"], None),
                ("/media/markdownx/restore-check.png", None),
            ]
            failures = serve_and_check(restored, pages)
        finally:
            if not args.keep:
                admin_sql(args.server, f'DROP DATABASE IF EXISTS "{SOURCE}"', f'DROP DATABASE IF EXISTS "{RESTORED}"')
    if failures:
        raise SystemExit(f"restore check FAILED: {', '.join(failures)}")
    print("restore check passed: the restored site serves the answer, the law article and the media")


if __name__ == "__main__":
    main()
