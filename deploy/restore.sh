#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a fresh database and an empty media directory.
#
#   deploy/restore.sh BACKUP_DIR
#
# DATABASE_URL names the database to restore into: for PostgreSQL an existing, empty database (createdb it
# first); for SQLite a file that does not exist yet. MEDIA_ROOT must be empty or absent. Nothing that holds
# data is overwritten: the script stops instead. Afterwards run `manage.py migrate` (a no-op for a backup of
# the same version) and start the site.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"

backup="${1:?usage: deploy/restore.sh BACKUP_DIR}"
[ -f "$backup/MANIFEST" ] || { echo "restore.sh: $backup is not a backup (no MANIFEST)" >&2; exit 1; }
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "restore.sh: $backup is damaged" >&2; exit 1; }
backup_engine="$(sed -n 's/^engine=//p' "$backup/MANIFEST")"

url="${DATABASE_URL:-sqlite:///$PWD/db.sqlite3}"
engine="$("$PYTHON" deploy/database.py engine "$url")"
if [ "$engine" != "$backup_engine" ]; then
    echo "restore.sh: the backup is of a $backup_engine database, DATABASE_URL names a $engine one" >&2
    exit 1
fi

media="${MEDIA_ROOT:-$PWD/media}"
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
    echo "restore.sh: MEDIA_ROOT ($media) is not empty" >&2
    exit 1
fi

case "$engine" in
    postgresql)
        tables="$(psql "$url" -Atqc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
        if [ "$tables" != "0" ]; then
            echo "restore.sh: the database is not empty ($tables tables): restore into a fresh one" >&2
            exit 1
        fi
        pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$backup/database.dump"
        ;;
    sqlite3)
        name="$("$PYTHON" deploy/database.py name "$url")"
        if [ -e "$name" ]; then
            echo "restore.sh: $name exists: restore into a new file" >&2
            exit 1
        fi
        "$PYTHON" deploy/database.py sqlite-copy "$backup/database.sqlite3" "$name"
        ;;
esac

mkdir -p "$media"
tar -C "$media" -xzf "$backup/media.tar.gz"
echo "restored $backup into the $engine database and $media"
