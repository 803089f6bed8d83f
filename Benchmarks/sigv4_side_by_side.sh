#!/usr/bin/env bash
# The cost of SigV4 verification, measured side by side: two Gatehouse processes of one build and one configuration,
# both pinned to PROXY_CPU at once, each loaded with the same SigV4-signed requests by its own gatehouse-load on
# LOAD_CPU over the same window — one on a route with `authorization: NONE` (`/prod/open/bench`: the signed request is
# forwarded unverified, "SigV4 off"), the other on a route with `authorization: AWS_IAM` (`/prod/signed/bench`: every
# signature verified, "SigV4 on"). Sharing one core, their throughputs compare what each request costs; CPU µs per
# request comes from /proc/PID/stat. The roles of the two processes swap every round, so that a difference between
# the processes themselves cancels out. Prints each round and the medians; off/on is the share of throughput (and
# of CPU per request, off ÷ on) that verification leaves.
#
# Usage: Benchmarks/sigv4_side_by_side.sh [ROUNDS] [SECONDS]   (after `swift build -c release`; needs nginx for the
# upstream, as Benchmarks/run.sh). BIN=path/to/gatehouse measures another gatehouse binary with this build's load.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=${1:-6} seconds=${2:-8}
PORT_BASE=${PORT_BASE:-19100}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
bin=$(cd "$here/.." && swift build -c release --show-bin-path)
gatehouse=${BIN:-$bin/gatehouse}
work=$(mktemp -d /tmp/gatehouse-sigv4-side.XXXXXX)
upstream_port=$((PORT_BASE + 80))
access_key=AKIDBENCH000000000001
secret=benchSecret/0123456789abcdefghijklmnopqrs
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    bash "$here/reference/reference.sh" stop "$work/upstream" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$gatehouse" certs init --out "$work/pki" --client bench >/dev/null
printf '%s' "$secret" >"$work/bench.secret"
taskset -c "$LOAD_CPU" bash "$here/reference/reference.sh" upstream "$upstream_port" "$work/upstream"

config() {  # port admin-port -> file
    cat >"$work/gatehouse-$1.yaml" <<YAML
region: us-east-1
account_id: "123456789012"
log_target: stderr
throttle: {rate: 1000000000, burst: 1000000000}
listeners:
  - name: https
    bind: 127.0.0.1:$1
    tls: {certificate: $work/pki/server.pem, private_key: $work/pki/server-key.pem, client_ca: $work/pki/ca.pem}
    allow_sources: [127.0.0.0/8]
  - {name: admin, admin: true, bind: "127.0.0.1:$2"}
identities:
  - access_key_id: $access_key
    secret_access_key_file: $work/bench.secret
    principal: arn:aws:iam::123456789012:user/bench
apis:
  - id: benchapi01
    authorization: AWS_IAM
    stages: {prod: {}}
    routes:
      - route: "ANY /open/{proxy+}"
        authorization: NONE
        integration: {type: HTTP_PROXY, uri: "http://127.0.0.1:$upstream_port/{proxy}"}
      - route: "ANY /signed/{proxy+}"
        integration: {type: HTTP_PROXY, uri: "http://127.0.0.1:$upstream_port/{proxy}"}
YAML
    echo "$work/gatehouse-$1.yaml"
}
port_a=$((PORT_BASE + 443)) port_b=$((PORT_BASE + 444))
for spec in "$port_a $((PORT_BASE + 901))" "$port_b $((PORT_BASE + 902))"; do
    set -- $spec
    taskset -c "$PROXY_CPU" "$gatehouse" serve --config "$(config "$1" "$2")" >"$work/gatehouse-$1.log" 2>&1 &
    pids+=("$!")
done
pid_a=${pids[0]} pid_b=${pids[1]}
sleep 2

load=(taskset -c "$LOAD_CPU" "$bin/gatehouse-load" -c 16
    --cert "$work/pki/clients/bench.pem" --key "$work/pki/clients/bench-key.pem" --cacert "$work/pki/ca.pem"
    --sigv4 "$access_key:$secret" --region us-east-1)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
ticks=$(getconf CLK_TCK)
off() { echo "https://127.0.0.1:$1/prod/open/bench"; }
on() { echo "https://127.0.0.1:$1/prod/signed/bench"; }
for port in "$port_a" "$port_b"; do
    "${load[@]}" -n 5000 "$(off "$port")" >/dev/null
    "${load[@]}" -n 5000 "$(on "$port")" >/dev/null
done
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then off_port=$port_a on_port=$port_b off_pid=$pid_a on_pid=$pid_b
    else off_port=$port_b on_port=$port_a off_pid=$pid_b on_pid=$pid_a; fi
    before_off=$(cpu_ticks "$off_pid") before_on=$(cpu_ticks "$on_pid")
    "${load[@]}" -d "$seconds" --json "$(off "$off_port")" >"$work/off-$round.json" &
    load_off=$!
    "${load[@]}" -d "$seconds" --json "$(on "$on_port")" >"$work/on-$round.json" &
    load_on=$!
    wait $load_off $load_on
    python3 - "$work/off-$round.json" "$work/on-$round.json" "$ticks" \
        "$before_off" "$(cpu_ticks "$off_pid")" "$before_on" "$(cpu_ticks "$on_pid")" "$round" \
        >>"$work/rounds.txt" <<'PY'
import json, sys
off, on = (json.load(open(p)) for p in sys.argv[1:3])
ticks = int(sys.argv[3])
cpu = lambda a, b, n: (int(b) - int(a)) / ticks * 1e6 / n
cpu_off = cpu(sys.argv[4], sys.argv[5], off["requests"])
cpu_on = cpu(sys.argv[6], sys.argv[7], on["requests"])
errors = sum(off["errors"].values()) + sum(on["errors"].values())
print(f"round {sys.argv[8]}: off {off['requests_per_second']:.0f} req/s {cpu_off:.1f} µs/req, "
      f"on {on['requests_per_second']:.0f} req/s {cpu_on:.1f} µs/req, "
      f"on/off throughput {on['requests_per_second'] / off['requests_per_second']:.3f}, "
      f"off/on CPU {cpu_off / cpu_on:.3f}, errors {errors}")
PY
    tail -n 1 "$work/rounds.txt"
done
python3 - "$work/rounds.txt" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1]).read().splitlines()
throughput = [float(re.search(r"throughput ([0-9.]+)", line).group(1)) for line in lines]
cpu = [float(re.search(r"CPU ([0-9.]+),", line).group(1)) for line in lines]
print(f"median of {len(lines)} rounds: on/off throughput {statistics.median(throughput):.3f}, "
      f"off/on CPU per request {statistics.median(cpu):.3f}")
PY
