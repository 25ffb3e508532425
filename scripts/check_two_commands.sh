#!/usr/bin/env bash
# The README's two commands in a fresh clone: `make test`, then `make lab` started, checked
# to answer, and stopped (no process of it left behind).
#
# Usage: scripts/check_two_commands.sh CLONE_DIR [LOG_DIR]
# Exit status: 0 when both worked. The last line of make test's output is its summary
# (passed / skipped counts); the logs are kept in LOG_DIR (default: a new temporary folder).
set -euo pipefail
clone="$(cd "$1" && pwd)"
logs="${2:-$(mktemp -d)}"
mkdir -p "$logs"
cd "$clone"

echo "== make test   (in $clone; log $logs/make-test.log)"
set +e
make test > "$logs/make-test.log" 2>&1
status=$?
set -e
tail -n 1 "$logs/make-test.log"
if [ "$status" -ne 0 ]; then
    echo "make test failed (exit $status); see $logs/make-test.log"
    exit 1
fi

echo "== make lab    (log $logs/make-lab.log)"
setsid make lab > "$logs/make-lab.log" 2>&1 < /dev/null &
lab=$!
stop_lab() {
    kill -TERM -- "-$lab" 2>/dev/null || true
    for _ in $(seq 1 30); do
        kill -0 -- "-$lab" 2>/dev/null || return 0
        sleep 1
    done
    kill -KILL -- "-$lab" 2>/dev/null || true
}
trap stop_lab EXIT
url=""
for _ in $(seq 1 120); do
    # `course lab` opens lesson 00: the address is /lab/tree/notebooks/00-...ipynb?token=...
    url="$(grep -oE 'http://(127\.0\.0\.1|localhost):[0-9]+/lab[^ ?]*\?token=[0-9a-f]+' \
           "$logs/make-lab.log" | head -n 1 || true)"
    [ -n "$url" ] && break
    kill -0 "$lab" 2>/dev/null || { echo "make lab stopped early"; tail "$logs/make-lab.log"; exit 1; }
    sleep 1
done
[ -n "$url" ] || { echo "make lab printed no address in 120 s"; exit 1; }
base="${url%%/lab*}"
token="${url##*token=}"
.venv/bin/python - "$base" "$token" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=30) as response:
    status = json.load(response)
with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=30) as response:
    page = response.read().decode("utf-8", "replace")
assert "JupyterLab" in page, "the /lab page is not JupyterLab's"
print(f"make lab: server running at {base} (started {status.get('started')}), /lab answers")
PY
stop_lab
trap - EXIT
if pgrep -g "$lab" > /dev/null 2>&1; then
    echo "processes of make lab are still running"; exit 1
fi
echo "make lab: stopped, nothing left running"
