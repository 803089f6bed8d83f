# Sourced by the *_side_by_side.sh scripts: what every "two routes of one build, side by side" measurement shares.
# Two Gatehouse processes of one build and one configuration, both pinned to PROXY_CPU, each loaded by its own
# gatehouse-load on LOAD_CPU over the same window — one on the baseline route ("A"), the other on the route under test
# ("B") — with the roles of the processes swapped every round, so that a difference between the processes cancels out.
# Sharing one core, their throughputs compare what each request costs; CPU µs per request comes from /proc/PID/stat.
#
# The sourcing script sets, before `side_by_side_start`: `rounds`, `seconds`, `config` (a function: port admin-port
# -> path of a configuration it wrote under $work), `a_url`/`b_url` (functions: port -> URL) and the arrays `a_args`,
# `b_args` (gatehouse-load options of each route, besides the common ones).

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
bin=$(cd "$here/.." && swift build -c release --show-bin-path)
gatehouse=${BIN:-$bin/gatehouse}
pids=()

# Scratch dir NAME, its removal at exit (and the processes'), a PKI and an nginx upstream on PORT_BASE + 80.
side_by_side_setup() {
    work=$(mktemp -d "/tmp/gatehouse-$1-side.XXXXXX")
    upstream_port=$((PORT_BASE + 80))
    trap side_by_side_cleanup EXIT
    "$gatehouse" certs init --out "$work/pki" --client bench >/dev/null
    taskset -c "$LOAD_CPU" bash "$here/reference/reference.sh" upstream "$upstream_port" "$work/upstream"
}

side_by_side_cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    bash "$here/reference/reference.sh" stop "$work/upstream" 2>/dev/null || true
    rm -rf "$work"
}

# The two Gatehouse processes, then a warm-up of both routes on both.
side_by_side_start() {
    port_a=$((PORT_BASE + 443)) port_b=$((PORT_BASE + 444))
    for spec in "$port_a $((PORT_BASE + 901))" "$port_b $((PORT_BASE + 902))"; do
        set -- $spec
        taskset -c "$PROXY_CPU" "$gatehouse" serve --config "$(config "$1" "$2")" >"$work/gatehouse-$1.log" 2>&1 &
        pids+=("$!")
    done
    pid_a=${pids[0]} pid_b=${pids[1]}
    sleep 2
    load=(taskset -c "$LOAD_CPU" "$bin/gatehouse-load" -c 16
        --cert "$work/pki/clients/bench.pem" --key "$work/pki/clients/bench-key.pem" --cacert "$work/pki/ca.pem")
    for port in "$port_a" "$port_b"; do
        "${load[@]}" "${a_args[@]}" -n 5000 "$(a_url "$port")" >/dev/null
        "${load[@]}" "${b_args[@]}" -n 5000 "$(b_url "$port")" >/dev/null
    done
}

cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# `rounds` rounds of `seconds`; each prints a line (labels A_NAME and B_NAME), then the medians. The ratios are B/A
# of throughput and, for CPU per request, `cpu_ratio` (`b/a`, the default, or `a/b`).
side_by_side_rounds() {
    local a_name=$1 b_name=$2 cpu_ratio=${3:-b/a} ticks round
    ticks=$(getconf CLK_TCK)
    for round in $(seq 1 "$rounds"); do
        if [ $((round % 2)) = 1 ]; then a_port=$port_a b_port=$port_b a_pid=$pid_a b_pid=$pid_b
        else a_port=$port_b b_port=$port_a a_pid=$pid_b b_pid=$pid_a; fi
        before_a=$(cpu_ticks "$a_pid") before_b=$(cpu_ticks "$b_pid")
        "${load[@]}" "${a_args[@]}" -d "$seconds" --json "$(a_url "$a_port")" >"$work/a-$round.json" &
        load_a=$!
        "${load[@]}" "${b_args[@]}" -d "$seconds" --json "$(b_url "$b_port")" >"$work/b-$round.json" &
        load_b=$!
        wait $load_a $load_b
        python3 - "$work/a-$round.json" "$work/b-$round.json" "$ticks" "$before_a" "$(cpu_ticks "$a_pid")" \
            "$before_b" "$(cpu_ticks "$b_pid")" "$round" "$a_name" "$b_name" "$cpu_ratio" >>"$work/rounds.txt" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ticks = int(sys.argv[3])
cpu = lambda start, end, n: (int(end) - int(start)) / ticks * 1e6 / n
cpu_a, cpu_b = cpu(sys.argv[4], sys.argv[5], a["requests"]), cpu(sys.argv[6], sys.argv[7], b["requests"])
na, nb, ratio = sys.argv[9], sys.argv[10], sys.argv[11]
cpu_text = f"{nb}/{na} CPU {cpu_b / cpu_a:.3f}" if ratio == "b/a" else f"{na}/{nb} CPU {cpu_a / cpu_b:.3f}"
errors = sum(a["errors"].values()) + sum(b["errors"].values())
print(f"round {sys.argv[8]}: {na} {a['requests_per_second']:.0f} req/s {cpu_a:.1f} µs/req, "
      f"{nb} {b['requests_per_second']:.0f} req/s {cpu_b:.1f} µs/req, "
      f"{nb}/{na} throughput {b['requests_per_second'] / a['requests_per_second']:.3f}, {cpu_text}, errors {errors}")
PY
        tail -n 1 "$work/rounds.txt"
    done
    python3 - "$work/rounds.txt" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1]).read().splitlines()
throughput = [float(re.search(r"(\S+) throughput ([0-9.]+)", line).group(2)) for line in lines]
cpu = [re.search(r"(\S+) CPU ([0-9.]+),", line) for line in lines]
name = re.search(r"(\S+) throughput", lines[0]).group(1)
print(f"median of {len(lines)} rounds: {name} throughput {statistics.median(throughput):.3f}, "
      f"{cpu[0].group(1)} CPU per request {statistics.median(float(m.group(2)) for m in cpu):.3f}")
PY
}
