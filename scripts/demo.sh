#!/usr/bin/env bash
# The demo: start the bundled emulator on loopback, then plan, apply and re-plan
# examples/quickstart.yaml against it, and check drift. Run it with `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

addr="127.0.0.1:${DEMO_PORT:-19531}"
./bin/milvus-emulator --addr "$addr" 2>/tmp/milvus-rbac-demo-emulator.log &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  grep -q listening /tmp/milvus-rbac-demo-emulator.log 2>/dev/null && break
  sleep 0.1
done

export MILVUS_URI="http://$addr"
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
echo "demo: plan, apply and a clean re-plan passed against the emulator at $addr"
