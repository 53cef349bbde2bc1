#!/bin/sh
# Import benchmark: generates N users with eight properties each as JSON
# Lines in a temporary folder (nothing is committed), then imports them with
# the real rollcall binary straight into a SQLite store and through a local
# server, and reports users per second and the importer's peak memory
# (maximum resident set size, from /usr/bin/time -v).
#
# Usage: bench/import/run.sh [N]      (N defaults to 1000000)
set -eu

n=${1:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "building rollcall"
(cd "$root" && go build -o "$tmp/rollcall" ./cmd/rollcall)

echo "generating $n users"
awk -v n="$n" 'BEGIN {
	for (i = 1; i <= n; i++) {
		printf "{\"identifier\":\"user-%08d\",\"properties\":{\"email\":\"user%d@example.com\",", i, i
		printf "\"name\":\"User Number %d\",\"plan\":\"%s\",\"seats\":%d,", i, (i % 3 ? "free" : "pro"), i % 50
		printf "\"mrr\":%d.%02d,\"active\":%s,\"signup\":\"2024-01-%02dT10:00:00Z\",", i % 900, i % 100, (i % 2 ? "true" : "false"), i % 28 + 1
		printf "\"tags\":[\"a\",\"b\"]},\"groups\":[{\"identifier\":\"org-%d\"}]}\n", i % 1000
	}
}' > "$tmp/users.jsonl"
ls -l "$tmp/users.jsonl" | awk '{ printf "file: %.1f MiB\n", $5 / 1048576 }'

# measure LABEL COMMAND...: runs the command under /usr/bin/time -v and
# prints users per second and the peak resident memory.
measure() {
	label=$1
	shift
	/usr/bin/time -v "$@" 2> "$tmp/time.txt" || { cat "$tmp/time.txt"; exit 1; }
	awk -v n="$n" -v label="$label" '
		/Elapsed \(wall clock\)/ {
			t = $NF; k = split(t, p, ":")
			secs = (k == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2]
		}
		/Maximum resident set size/ { rss = $NF }
		END { printf "%-8s %d users in %.1fs: %.0f users/s, importer peak RSS %.1f MiB\n", label, n, secs, n / secs, rss / 1024 }
	' "$tmp/time.txt"
}

measure store "$tmp/rollcall" import --db "$tmp/store.db" --env bench "$tmp/users.jsonl"

port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 20000) }')
"$tmp/rollcall" serve --addr "127.0.0.1:$port" --db "$tmp/server.db" > "$tmp/serve.out" 2> "$tmp/serve.err" &
server_pid=$!
key=
for _ in $(seq 1 100); do
	key=$(sed -n 's/.*export SERVER_KEY=\([^ ]*\).*/\1/p' "$tmp/serve.out")
	if [ -n "$key" ] && curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1; then break; fi
	sleep 0.1
done
[ -n "$key" ] || { echo "the server printed no key"; cat "$tmp/serve.err"; exit 1; }

measure server "$tmp/rollcall" import --url "http://127.0.0.1:$port" --key "$key" "$tmp/users.jsonl"
awk '/VmHWM/ { printf "server peak RSS %.1f MiB\n", $2 / 1024 }' "/proc/$server_pid/status"
