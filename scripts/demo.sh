#!/usr/bin/env bash
# The demo: start the bundled emulator on loopback; plan examples/quickstart.yaml as a pull
# request would (markdown, saved plan), apply the saved plan, check that a re-plan is empty; then
# change the cluster by hand, see drift, the diff view and the JSON plan, repair it, and export.
# Run it with `make demo`. Any unexpected exit code fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
work=$(mktemp -d)
# Port 0: the emulator takes a free port and prints it.
./bin/milvus-emulator --addr "127.0.0.1:${DEMO_PORT:-0}" 2>"$log" &
emulator=$!
pids=()
trap 'kill $emulator 2>/dev/null || true; rm -rf "$log" "$work"' EXIT
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

# run EXPECTED_EXIT ARGS...: runs milvus-rbac and fails the demo on another exit code.
run() {
  local want=$1
  shift
  echo
  echo "\$ milvus-rbac $*"
  set +e
  ./bin/milvus-rbac "$@"
  local code=$?
  set -e
  if [ "$code" -ne "$want" ]; then
    echo "demo: milvus-rbac $* exited $code, want $want" >&2
    exit 1
  fi
}

echo "== a pull request: validate, plan as a comment, save the plan"
run 0 validate -f examples/quickstart.yaml
run 2 plan -f examples/quickstart.yaml --format markdown --out "$work/plan.json" --detailed-exitcode

echo
echo "== the merge: apply exactly the saved plan, then a re-plan must be empty"
run 0 apply --plan "$work/plan.json"
run 0 plan -f examples/quickstart.yaml --detailed-exitcode
run 0 apply --plan "$work/plan.json"

echo
echo "== someone changes the cluster by hand; the scheduled drift check sees it"
run 0 apply -f scripts/demo-hand-change.yaml --auto-approve >/dev/null 2>&1
run 2 drift -f examples/quickstart.yaml
run 2 plan -f examples/quickstart.yaml --format diff --detailed-exitcode
run 2 plan -f examples/quickstart.yaml --format json --detailed-exitcode
run 2 plan -f examples/quickstart.yaml --detailed-exitcode
run 0 apply -f examples/quickstart.yaml --auto-approve
run 0 drift -f examples/quickstart.yaml

echo
echo "== review: who can do what, and a policy check for CI"
run 0 access -f examples/quickstart.yaml --user bob
run 0 access --can Insert --on default.orders
run 0 check -f examples/quickstart.yaml --policy examples/policies/least-privilege.yaml

echo
echo "== adoption: export the cluster as a spec file"
run 0 export

echo
echo "== many clusters: dev, staging and prod from examples/fleet/targets.yaml"
# Three more emulators; the targets file is copied with their real addresses.
fleet_uris=()
for name in dev staging prod; do
  flog="$work/emulator-$name.log"
  ./bin/milvus-emulator --addr 127.0.0.1:0 2>"$flog" &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q listening "$flog" 2>/dev/null && break
    sleep 0.1
  done
  fleet_uris+=("$(grep -o 'http://[0-9.:]*' "$flog" | head -n 1)")
done
trap 'kill $emulator "${pids[@]}" 2>/dev/null || true; rm -rf "$log" "$work"' EXIT
cp -r examples/fleet "$work/fleet"
sed -i.bak -e "s|http://127.0.0.1:19531|${fleet_uris[0]}|" -e "s|http://127.0.0.1:19532|${fleet_uris[1]}|" \
  -e "s|http://127.0.0.1:19533|${fleet_uris[2]}|" "$work/fleet/targets.yaml"
export MILVUS_TOKEN_DEV="root:Milvus" MILVUS_TOKEN_STAGING="root:Milvus" MILVUS_TOKEN_PROD="root:Milvus"
export SALES_APP_PASSWORD='Sales-demo-2026' TESTER_PASSWORD='Tester-demo-2026' ONCALL_PASSWORD='Oncall-demo-2026'
run 2 plan --targets "$work/fleet/targets.yaml" --out "$work/plans"
run 0 apply --targets "$work/fleet/targets.yaml" --plan "$work/plans"
run 0 drift --targets "$work/fleet/targets.yaml"

echo
echo "demo: plan, apply and a clean re-plan passed against the emulator at $uri"
