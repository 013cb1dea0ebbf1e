#!/usr/bin/env bash
# The demo: start the bundled emulator on loopback, then plan, apply and re-plan
# examples/quickstart.yaml against it, and check drift. Run it with `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
# Port 0: the emulator takes a free port and prints it.
./bin/milvus-emulator --addr "127.0.0.1:${DEMO_PORT:-0}" 2>"$log" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q listening "$log" 2>/dev/null && break
  sleep 0.1
done
uri=$(grep -o 'http://[0-9.:]*' "$log" | head -n 1)
if [ -z "$uri" ]; then
  echo "demo: the emulator did not start:" >&2
  cat "$log" >&2
  exit 1
fi

export MILVUS_URI="$uri"
export MILVUS_TOKEN="root:Milvus"
# Demo passwords. In real use they come from your CI's secret store.
export QUICKSTART_ALICE_PASSWORD='Alice-demo-2026'
export QUICKSTART_BOB_PASSWORD='Bob-demo-2026!'
export QUICKSTART_CAROL_PASSWORD='Carol-demo-2026'

run() { echo; echo "\$ milvus-rbac $*"; ./bin/milvus-rbac "$@"; }

run validate -f examples/quickstart.yaml
run plan -f examples/quickstart.yaml
run apply -f examples/quickstart.yaml --auto-approve
set +e
run plan -f examples/quickstart.yaml --detailed-exitcode
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "demo: the re-plan after apply is not empty (exit $code)" >&2
  exit 1
fi
run drift -f examples/quickstart.yaml
run export
echo
echo "demo: plan, apply and a clean re-plan passed against the emulator at $uri"
