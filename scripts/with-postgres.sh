#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster:
#   bash scripts/with-postgres.sh npx vitest run --project server
# The cluster lives in a temporary folder, listens on 127.0.0.1 only with trust auth, and is
# stopped and removed when the command ends. Exits with the command's status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 <command...>" >&2
	exit 2
fi

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$PG_BIN/initdb" ]; then
	echo "initdb not found in $PG_BIN (set PG_BIN)" >&2
	exit 2
fi

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

DATA_DIR="$(mktemp -d -t gather-pg.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then
	chown postgres:postgres "$DATA_DIR"
fi
chmod 700 "$DATA_DIR"

# A free port: bind to 0 and let the kernel choose.
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

cleanup() {
	as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$DATA_DIR"
}
trap cleanup EXIT

as_owner "$PG_BIN/initdb" -D "$DATA_DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
# Sockets go in the data folder: /var/run/postgresql may not exist or be writable.
as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR/data" -l "$DATA_DIR/server.log" -w \
	-o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA_DIR/data -c fsync=off" start >/dev/null

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "PostgreSQL 15 on 127.0.0.1:$PORT (TEST_DATABASE_URL exported)" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
