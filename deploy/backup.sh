#!/usr/bin/env bash
# Back up the database and the uploaded media into a new timestamped directory (docs/operations.md).
#
#   deploy/backup.sh [BACKUP_ROOT]      (default: $BACKUP_ROOT, else ./backups)
#
# Reads DATABASE_URL and MEDIA_ROOT as the site does (unset: db.sqlite3 and media/ in the project).
# PostgreSQL: pg_dump in its custom format (database.dump). SQLite: a consistent copy made with SQLite's online
# backup API (database.sqlite3), safe while the site writes. Media: media.tar.gz. Prints the directory made.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"

root="${1:-${BACKUP_ROOT:-backups}}"
dest="$root/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$root"
mkdir "$dest"  # fails if a backup of this second exists: never overwrite one
trap 'echo "backup failed; removing the incomplete $dest" >&2; rm -rf "$dest"' ERR

url="${DATABASE_URL:-sqlite:///$PWD/db.sqlite3}"
engine="$("$PYTHON" deploy/database.py engine "$url")"
case "$engine" in
    postgresql)
        pg_dump --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$url"
        ;;
    sqlite3)
        "$PYTHON" deploy/database.py sqlite-copy "$("$PYTHON" deploy/database.py name "$url")" "$dest/database.sqlite3"
        ;;
    *)
        echo "backup.sh: cannot back up a $engine database" >&2
        exit 1
        ;;
esac

media="${MEDIA_ROOT:-$PWD/media}"
if [ -d "$media" ]; then
    tar -C "$media" -czf "$dest/media.tar.gz" .
else
    tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi

{
    echo "engine=$engine"
    echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >"$dest/MANIFEST"
(cd "$dest" && sha256sum database.* media.tar.gz >SHA256SUMS)
echo "$dest"
