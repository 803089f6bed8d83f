#!/usr/bin/env bash
# The cost of a usage plan, measured side by side: two Gatehouse processes of one build and one configuration, both
# pinned to PROXY_CPU at once, one loaded on the plain route (`/prod/bench`), the other on the same route in a stage
# a usage plan covers (`/metered/bench`: API key, plan throttle, stage and gateway buckets, quota), each by its own
# gatehouse-load on LOAD_CPU over the same window. Sharing one core, their throughputs compare what each request
# costs; CPU µs per request comes from /proc/PID/stat. The roles of the two processes swap every round, so that a
# difference between the processes themselves cancels out.
#
# Usage: Benchmarks/usage_side_by_side.sh [ROUNDS] [SECONDS]   (after `swift build -c release`; needs nginx for the
# upstream, as Benchmarks/run.sh)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=${1:-6} seconds=${2:-8}
PORT_BASE=${PORT_BASE:-19000}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
bin=$(cd "$here/.." && swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/gatehouse-usage-side.XXXXXX)
upstream_port=$((PORT_BASE + 80))
key=benchApiKey0000000000000000000000
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    bash "$here/reference/reference.sh" stop "$work/upstream" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/gatehouse" certs init --out "$work/pki" --client bench >/dev/null
printf '%s' "$key" >"$work/bench.key"
taskset -c "$LOAD_CPU" bash "$here/reference/reference.sh" upstream "$upstream_port" "$work/upstream"

config() {  # port admin-port -> file
    cat >"$work/gatehouse-$1.yaml" <<YAML
region: us-east-1
account_id: "123456789012"
log_target: stderr
throttle: {rate: 1000000000, burst: 1000000000}
state: {sqlite: $work/state-$1.db}
listeners:
  - name: https
    bind: 127.0.0.1:$1
    tls: {certificate: $work/pki/server.pem, private_key: $work/pki/server-key.pem, client_ca: $work/pki/ca.pem}
    allow_sources: [127.0.0.0/8]
  - {name: admin, admin: true, bind: "127.0.0.1:$2"}
api_keys:
  - {id: bench, value_file: $work/bench.key}
usage_plans:
  - id: bench
    throttle: {rate: 1000000000, burst: 1000000000}
    quota: {limit: 1000000000000, period: DAY}
    api_stages: [{api: benchapi01, stage: metered}]
    consumers: {api_keys: [bench]}
apis:
  - id: benchapi01
    authorization: NONE
    stages: {prod: {}, metered: {}}
    routes:
      - route: "ANY /{proxy+}"
        integration: {type: HTTP_PROXY, uri: "http://127.0.0.1:$upstream_port/{proxy}"}
YAML
    echo "$work/gatehouse-$1.yaml"
}
port_a=$((PORT_BASE + 443)) port_b=$((PORT_BASE + 444))
for spec in "$port_a $((PORT_BASE + 901))" "$port_b $((PORT_BASE + 902))"; do
    set -- $spec
    taskset -c "$PROXY_CPU" "$bin/gatehouse" serve --config "$(config "$1" "$2")" >"$work/gatehouse-$1.log" 2>&1 &
    pids+=("$!")
done
pid_a=${pids[0]} pid_b=${pids[1]}
sleep 2

tls=(--cert "$work/pki/clients/bench.pem" --key "$work/pki/clients/bench-key.pem" --cacert "$work/pki/ca.pem")
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
ticks=$(getconf CLK_TCK)
plain() { echo "https://127.0.0.1:$1/prod/bench"; }
metered() { echo "https://127.0.0.1:$1/metered/bench"; }
for port in "$port_a" "$port_b"; do
    taskset -c "$LOAD_CPU" "$bin/gatehouse-load" -c 16 -n 5000 "${tls[@]}" "$(plain "$port")" >/dev/null
    taskset -c "$LOAD_CPU" "$bin/gatehouse-load" -c 16 -n 5000 "${tls[@]}" -H "x-api-key: $key" \
        "$(metered "$port")" >/dev/null
done
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then plain_port=$port_a plan_port=$port_b plain_pid=$pid_a plan_pid=$pid_b
    else plain_port=$port_b plan_port=$port_a plain_pid=$pid_b plan_pid=$pid_a; fi
    before_plain=$(cpu_ticks "$plain_pid") before_plan=$(cpu_ticks "$plan_pid")
    taskset -c "$LOAD_CPU" "$bin/gatehouse-load" -c 16 -d "$seconds" --json "${tls[@]}" "$(plain "$plain_port")" \
        >"$work/plain-$round.json" &
    load_plain=$!
    taskset -c "$LOAD_CPU" "$bin/gatehouse-load" -c 16 -d "$seconds" --json "${tls[@]}" -H "x-api-key: $key" \
        "$(metered "$plan_port")" >"$work/plan-$round.json" &
    load_plan=$!
    wait $load_plain $load_plan
    python3 - "$work/plain-$round.json" "$work/plan-$round.json" "$ticks" \
        "$before_plain" "$(cpu_ticks "$plain_pid")" "$before_plan" "$(cpu_ticks "$plan_pid")" "$round" <<'PY'
import json, sys
plain, plan = (json.load(open(p)) for p in sys.argv[1:3])
ticks = int(sys.argv[3])
cpu = lambda a, b, n: (int(b) - int(a)) / ticks * 1e6 / n
cpu_plain = cpu(sys.argv[4], sys.argv[5], plain["requests"])
cpu_plan = cpu(sys.argv[6], sys.argv[7], plan["requests"])
errors = sum(plain["errors"].values()) + sum(plan["errors"].values())
print(f"round {sys.argv[8]}: plain {plain['requests_per_second']:.0f} req/s {cpu_plain:.1f} µs/req, "
      f"plan {plan['requests_per_second']:.0f} req/s {cpu_plan:.1f} µs/req, "
      f"plan/plain throughput {plan['requests_per_second'] / plain['requests_per_second']:.3f}, "
      f"CPU {cpu_plan / cpu_plain:.3f}, errors {errors}")
PY
done
