#!/usr/bin/env bash
# Build tuoyu and serve the 十堰 demo at http://127.0.0.1:8080.
#
#   sudo scripts/demo.sh           # keeps an existing tuoyu.db
#   sudo scripts/demo.sh --fresh   # starts over with a new demo database
#
# The demo accounts are printed when the database is made; each password is the username + "-demo-2026".
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
for arg in "$@"; do
    case "$arg" in
        --fresh) fresh=1 ;;
        -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "demo.sh: unknown argument $arg (only --fresh)" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build

DB=tuoyu.db
if [ "$fresh" -eq 1 ]; then rm -f "$DB" "$DB-wal" "$DB-shm"; fi
if [ -e "$DB" ]; then
    echo "Keeping the existing $DB (scripts/demo.sh --fresh starts over)."
    echo "Demo accounts: admin, city, county_zhangwan, county_maojian, registrar, inspector, operator, auditor;"
    echo "password = username + \"-demo-2026\" (e.g. city / city-demo-2026)."
else
    build/tuoyu init --db "$DB"
    build/tuoyu demo --db "$DB"
fi

echo
echo "tuoyu demo: http://127.0.0.1:8080/  (dashboard: http://127.0.0.1:8080/login; Ctrl-C stops)"
exec build/tuoyu serve --db "$DB" --listen 127.0.0.1:8080
