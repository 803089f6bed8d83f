#!/usr/bin/env bash
# Two Gatehouse builds measured side by side: both pinned to PROXY_CPU at once, each loaded by its own gatehouse-load
# on LOAD_CPU over the same window, CPU µs per request of each from /proc/PID/stat. On a shared machine whose speed
# drifts over minutes, this compares two builds where sequential runs cannot: the drift lands on both alike.
#
# Usage: Benchmarks/side_by_side.sh OLD_BINARY NEW_BINARY none|aws_iam [REQUESTS]
# Needs the scratch directory of a `KEEP_WORK=1 Benchmarks/run.sh` (WORK, default /tmp/bw: its PKI, Gatehouse
# configurations and secret) with the same PORT_BASE, and its upstream running (run.sh stops it; restart it with
# `taskset -c LOAD_CPU Benchmarks/reference/reference.sh upstream PORT_BASE+80 WORK/upstream`).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
old=$1 new=$2 kind=$3 requests=${4:-60000}
WORK=${WORK:-/tmp/bw}
PORT_BASE=${PORT_BASE:-18000}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
load=${LOAD:-$(cd "$here/.." && swift build -c release --show-bin-path)/gatehouse-load}
ticks=$(getconf CLK_TCK)

case $kind in
none) port_a=$((PORT_BASE + 443)) admin_a=$((PORT_BASE + 901)) ;;
aws_iam) port_a=$((PORT_BASE + 446)) admin_a=$((PORT_BASE + 902)) ;;
*) echo "kind must be none or aws_iam" >&2; exit 64 ;;
esac
port_b=$((port_a + 100)) admin_b=$((admin_a + 10))
config_a=$WORK/gatehouse-$kind.yaml
config_b=$WORK/gatehouse-$kind-side.yaml
sed "s/:$port_a\$/:$port_b/; s/:$admin_a\$/:$admin_b/" "$config_a" >"$config_b"

tls=(--cert "$WORK/pki/clients/bench.pem" --key "$WORK/pki/clients/bench-key.pem" --cacert "$WORK/pki/ca.pem")
sign=()
[ "$kind" = aws_iam ] && sign=(--sigv4 "AKIDBENCH000000000001:$(cat "$WORK/bench.secret")" --region us-east-1)

taskset -c "$PROXY_CPU" "$old" serve --config "$config_a" >/dev/null 2>&1 &
pid_a=$!
taskset -c "$PROXY_CPU" "$new" serve --config "$config_b" >/dev/null 2>&1 &
pid_b=$!
trap 'kill $pid_a $pid_b 2>/dev/null || true' EXIT
sleep 1.5

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for port in "$port_a" "$port_b"; do  # warm-up
    taskset -c "$LOAD_CPU" "$load" -c 32 -n 5000 "${tls[@]}" "${sign[@]}" "https://127.0.0.1:$port/prod/bench" \
        >/dev/null 2>&1
done
before_a=$(cpu_ticks $pid_a) before_b=$(cpu_ticks $pid_b)
taskset -c "$LOAD_CPU" "$load" -c 16 -n "$requests" "${tls[@]}" "${sign[@]}" "https://127.0.0.1:$port_a/prod/bench" \
    >/dev/null 2>&1 &
load_a=$!
taskset -c "$LOAD_CPU" "$load" -c 16 -n "$requests" "${tls[@]}" "${sign[@]}" "https://127.0.0.1:$port_b/prod/bench" \
    >/dev/null 2>&1 &
load_b=$!
wait $load_a $load_b
after_a=$(cpu_ticks $pid_a) after_b=$(cpu_ticks $pid_b)
python3 -c "
import sys
ticks, n = int(sys.argv[1]), int(sys.argv[2])
a = (int(sys.argv[4]) - int(sys.argv[3])) / ticks * 1e6 / n
b = (int(sys.argv[6]) - int(sys.argv[5])) / ticks * 1e6 / n
print(f'{sys.argv[7]}: old {a:.1f} µs/req, new {b:.1f} µs/req, new/old {b / a:.2f}')
" "$ticks" "$requests" "$before_a" "$after_a" "$before_b" "$after_b" "$kind"
