#!/usr/bin/env bash
# Gatehouse side by side with nginx and HAProxy doing the same data-plane job (mTLS with a required client
# certificate, source allowlist, keep-alive forwarding to one upstream), all loaded by the same client in one run.
# See Benchmarks/README.md for what each column means.
#
# Usage: Benchmarks/run.sh            (one command on a fresh Debian/Ubuntu machine; run as root or with sudo)
# Tunables (environment): DURATION (s per load run, default 10), CONNECTIONS (keep-alive, 32),
#   HANDSHAKE_CONNECTIONS (new-connection mode, 16), AB_REQUESTS (100000), AB_NEW_REQUESTS (5000), HOLD_COUNTS ("1000 10000"),
#   HOLD_SECONDS (5), PROXY_CPU (1), LOAD_CPU (0), PORT_BASE (18000), SKIP_BUILD=1, KEEP_WORK=1,
#   ONLY ("gatehouse nginx haproxy upstream http2 floor": the targets to measure; http2 adds the HTTP/2 rows of
#   nginx and Gatehouse; floor is gatehouse-floor, NIO + NIOSSL relaying bytes, no gateway), WORK (scratch dir),
#   RESULTS (markdown out),
#   ROUNDS (3: keep-alive runs per target, interleaved across targets; the table shows the median),
#   FIRST_ANSWER_CONNECTIONS (20: new TLS 1.3 connections from a Nagle-on Python client, for the first-answer column).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# The reference servers' configurations (nginx, HAProxy, the upstream) and the script that starts them.
reference=$here/reference/reference.sh

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
HANDSHAKE_CONNECTIONS=${HANDSHAKE_CONNECTIONS:-16}
AB_REQUESTS=${AB_REQUESTS:-100000}
AB_NEW_REQUESTS=${AB_NEW_REQUESTS:-5000}
HOLD_COUNTS=${HOLD_COUNTS:-"1000 10000"}
HOLD_SECONDS=${HOLD_SECONDS:-5}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PORT_BASE=${PORT_BASE:-18000}
ROUNDS=${ROUNDS:-3}
FIRST_ANSWER_CONNECTIONS=${FIRST_ANSWER_CONNECTIONS:-20}
ONLY=${ONLY:-"upstream nginx haproxy gatehouse http2 floor"}
RESULTS=${RESULTS:-}

upstream_port=$((PORT_BASE + 80))
gatehouse_port=$((PORT_BASE + 443))
nginx_port=$((PORT_BASE + 444))
haproxy_port=$((PORT_BASE + 445))
gatehouse_sigv4_port=$((PORT_BASE + 446))
floor_port=$((PORT_BASE + 447))
admin_port=$((PORT_BASE + 901))
sigv4_admin_port=$((PORT_BASE + 902))
api_id=benchapi01
request_path=/prod/bench
bench_akid=AKIDBENCH000000000001
bench_secret=benchSecretKey0000000000000000000000000
# The usage-plan row: stage `metered` of the same API, covered by a plan (throttle and quota far above what the run
# can reach) whose consumer is this API key.
metered_path=/metered/bench
bench_api_key=benchApiKey0000000000000000000000

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }
wants() { [[ " $ONLY " == *" $1 "* ]]; }

# --- 0. tools -------------------------------------------------------------------------------------------------
install_missing() {
    local need=()
    for pkg in nginx-light haproxy apache2-utils util-linux; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    command -v python3 >/dev/null || need+=(python3)
    [ ${#need[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    log "installing ${need[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}
install_missing
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 CPUs; pinning load and proxy to separate cores is impossible"

# --- 1. scratch dir and cleanup -------------------------------------------------------------------------------
work=${WORK:-$(mktemp -d /tmp/gatehouse-bench.XXXXXX)}
mkdir -p "$work"
started_pids=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${started_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for dir in "$work"/upstream "$work"/nginx "$work"/haproxy; do
        [ -d "$dir" ] && bash "$reference" stop "$dir" 2>/dev/null || true
    done
    for pid in "${started_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "${KEEP_WORK:-0}" = 1 ] || [ $status -ne 0 ]; then
        log "work files kept in $work"
    else
        rm -rf "$work"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ten thousand held connections need more descriptors than the usual 1024 (children inherit this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge 12000 ] || log "warning: open-files limit $(ulimit -n) is too low for 10,000 held connections"

# --- 2. build -------------------------------------------------------------------------------------------------
cd "$root"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building release (swift build -c release)"
    swift build -c release >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "release build failed"; }
fi
bin=$(swift build -c release --show-bin-path)
gatehouse=$bin/gatehouse
load=$bin/gatehouse-load
floor=$bin/gatehouse-floor
[ -x "$gatehouse" ] && [ -x "$load" ] || die "release binaries not found in $bin"

# --- 3. PKI ---------------------------------------------------------------------------------------------------
pki=$work/pki
"$gatehouse" certs init --out "$pki" --client bench >/dev/null || die "gatehouse certs init failed"
client_cert=$pki/clients/bench.pem
client_key=$pki/clients/bench-key.pem
cat "$client_cert" "$client_key" >"$work/ab-client.pem"
tls_args=(--cert "$client_cert" --key "$client_key" --cacert "$pki/ca.pem")
printf '%s' "$bench_secret" >"$work/bench.secret"
chmod 600 "$work/bench.secret"
printf '%s' "$bench_api_key" >"$work/bench.key"
chmod 600 "$work/bench.key"

# --- helpers --------------------------------------------------------------------------------------------------
wait_port() {  # port: waits until something accepts on 127.0.0.1:port
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

rss_kb() {  # pid -> VmRSS in kB
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# CPU time of a whole process (every thread), user + system, in clock ticks: fields 14 and 15 of /proc/PID/stat,
# counted after the command name (which is in parentheses and may hold spaces).
clock_ticks=$(getconf CLK_TCK)
cpu_ticks() {  # pid -> utime + stime in ticks, "" when the process is gone
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 0
    sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
cpu_us_per_request() {  # ticks-before ticks-after responses -> CPU microseconds per response, "-" when unknown
    python3 -c '
import sys
try:
    before, after, responses = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    print(round((after - before) * 1e6 / int(sys.argv[4]) / responses, 1) if responses > 0 else "-")
except ValueError:
    print("-")' "${1:-x}" "${2:-x}" "${3:-x}" "$clock_ticks"
}

json_field() {  # file expression -> value (python expression over `r`, the parsed report), "-" when unreadable
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null \
        || echo -
}

# Writes the Gatehouse configuration; $1 = NONE or AWS_IAM, $2 = port, $3 = admin port.
write_gatehouse_config() {
    local auth=$1 port=$2 admin=$3 file=$work/gatehouse-${1,,}.yaml
    {
        cat <<YAML
region: us-east-1
account_id: "123456789012"
log_target: stderr
limits:
  max_connections: 20000
# The gateway-wide bucket defaults to API Gateway's 10000/s, below what these runs reach.
throttle: {rate: 1000000000, burst: 1000000000}
listeners:
  - name: https
    bind: 127.0.0.1:$port
    tls:
      certificate: $pki/server.pem
      private_key: $pki/server-key.pem
      client_ca: $pki/ca.pem
    allow_sources: [127.0.0.0/8]
  - name: admin
    admin: true
    bind: 127.0.0.1:$admin
YAML
        if [ "$auth" = AWS_IAM ]; then
            cat <<YAML
identities:
  - access_key_id: $bench_akid
    secret_access_key_file: $work/bench.secret
    principal: arn:aws:iam::123456789012:user/bench
YAML
        fi
        if [ "$auth" = NONE ]; then
            cat <<YAML
api_keys:
  - id: bench
    value_file: $work/bench.key
usage_plans:
  - id: bench
    throttle: {rate: 1000000000, burst: 1000000000}
    quota: {limit: 1000000000000, period: DAY}
    api_stages: [{api: $api_id, stage: metered}]
    consumers: {api_keys: [bench]}
YAML
        fi
        cat <<YAML
apis:
  - id: $api_id
    name: bench
    authorization: $auth
    stages:
      prod:
        variables: {}
      metered:
        variables: {}
    routes:
      - route: "ANY /{proxy+}"
        integration: {type: HTTP_PROXY, uri: "http://127.0.0.1:$upstream_port/{proxy}"}
YAML
    } >"$file"
    echo "$file"
}

declare -A gatehouse_pids
start_gatehouse() {  # $1 = target name, $2 = NONE | AWS_IAM, $3 = port, $4 = admin port
    local config
    config=$(write_gatehouse_config "$2" "$3" "$4")
    "$gatehouse" validate --config "$config" >/dev/null || die "gatehouse validate rejected $config"
    # Gatehouse writes one access record per request (nginx and HAProxy here log nothing); keep it off the terminal.
    taskset -c "$PROXY_CPU" "$gatehouse" serve --config "$config" >"$work/gatehouse-$2.log" 2>&1 &
    gatehouse_pids[$1]=$!
    started_pids+=("$!")
    wait_port "$3" || { tail -20 "$work/gatehouse-$2.log" >&2; die "gatehouse did not start"; }
}

# The process whose memory is measured: the one holding the connections.
proxy_pid() {
    case $1 in
    gatehouse-signed | gatehouse-plan | gatehouse-h2) echo "${gatehouse_pids[gatehouse]:-}" ;;  # the NONE Gatehouse
    nginx-h2) pgrep -P "$(cat "$work/nginx/nginx.pid")" | head -1 ;;
    gatehouse*) echo "${gatehouse_pids[$1]:-}" ;;
    floor) echo "${floor_pid:-}" ;;
    nginx) pgrep -P "$(cat "$work/nginx/nginx.pid")" | head -1 ;;  # the worker, not the master
    haproxy) cat "$work/haproxy/haproxy.pid" ;;
    esac
}

declare -A result
declare -A rounds
declare -A cpu_rounds
# One keep-alive run against one target, appended to its list of rounds. $1 = name, $2 = URL, then extra
# gatehouse-load arguments.
keepalive_round() {
    local name=$1 url=$2 round=$3
    shift 3
    local extra=("$@") out=$work/$name pid before
    mkdir -p "$out"
    pid=$(proxy_pid "$name")
    before=$(cpu_ticks "$pid")
    log "$name: keep-alive round $round of $ROUNDS, $CONNECTIONS connections, ${DURATION}s"
    taskset -c "$LOAD_CPU" "$load" -c "$CONNECTIONS" -d "$DURATION" --json "${extra[@]}" "$url" \
        >"$out/keepalive-$round.json" || log "$name: keep-alive run reported no successful request"
    rounds[$name]+=" $(json_field "$out/keepalive-$round.json" 'round(r["requests_per_second"])')"
    # The proxy's CPU time over the run (connection set-up included, a few handshakes against thousands of
    # requests) per response: steadier than requests/s on a shared machine, since it does not count the time the
    # proxy waited for a core.
    if [ -n "$pid" ]; then
        cpu_rounds[$name]+=" $(cpu_us_per_request "$before" "$(cpu_ticks "$pid")" \
            "$(json_field "$out/keepalive-$round.json" 'r["requests"]')")"
    fi
}

# The keep-alive columns from the rounds: the median run's requests/s, p99 and errors. $1 = name.
summarize_rounds() {
    local name=$1 out=$work/$1
    local median
    median=$(python3 -c '
import json, sys
runs = []
for path in sys.argv[1:]:
    try:
        runs.append((json.load(open(path))["requests_per_second"], path))
    except Exception:
        pass
runs.sort()
print(runs[(len(runs) - 1) // 2][1] if runs else "")' "$out"/keepalive-*.json)
    [ -n "$median" ] || return 0
    result[$name.rps]=$(json_field "$median" 'round(r["requests_per_second"])')
    result[$name.p99]=$(json_field "$median" '(r.get("latency_microseconds") or {}).get("p99", "-")')
    result[$name.errors]=$(json_field "$median" 'sum(r["errors"].values())')
    # CPU per response: the median over the rounds (not the median round's own figure).
    result[$name.cpu]=$(python3 -c '
import statistics, sys
values = [float(v) for v in sys.argv[1:] if v != "-"]
print(round(statistics.median(values), 1) if values else "-")' ${cpu_rounds[$name]:-})
}

# The other measurements against one target: handshakes and ab. $1 = name, $2 = URL, then extra arguments.
measure() {
    local name=$1 url=$2
    shift 2
    local extra=("$@") out=$work/$name
    mkdir -p "$out"

    # HTTP/2 targets (*-h2) have the keep-alive columns only: ab speaks HTTP/1 and a new connection per request
    # measures the handshake, which is the same whatever ALPN picks.
    [[ $name == *-h2 ]] && return 0
    if [[ $url == https://* ]] && [[ $name != gatehouse-sigv4 && $name != gatehouse-signed && $name != gatehouse-plan ]]
    then
        log "$name: new mTLS connection per request, $HANDSHAKE_CONNECTIONS connections, ${DURATION}s"
        taskset -c "$LOAD_CPU" "$load" --new-connection -c "$HANDSHAKE_CONNECTIONS" -d "$DURATION" --json \
            "${extra[@]}" "$url" >"$out/handshake.json" || log "$name: handshake run reported no success"
        result[$name.hs]=$(json_field "$out/handshake.json" 'round(r["connections_per_second"])')
        result[$name.hs_errors]=$(json_field "$out/handshake.json" 'sum(r["errors"].values())')

        log "$name: first answer on $FIRST_ANSWER_CONNECTIONS new TLS 1.3 connections, Nagle-on Python client"
        taskset -c "$LOAD_CPU" python3 "$here/first_answer.py" --port "${url_port[$name]}" --path "$request_path" \
            --cacert "$pki/ca.pem" --cert "$client_cert" --key "$client_key" --tls 1.3 \
            -n "$FIRST_ANSWER_CONNECTIONS" --json >"$out/first-answer.json" 2>"$out/first-answer.err" \
            || log "$name: first-answer run failed (see $out/first-answer.err)"
        result[$name.first]=$(json_field "$out/first-answer.json" 'round(r["first_answer_ms"]["median"], 1)')
    fi

    if [ "${SKIP_AB:-0}" != 1 ] && [[ $name != gatehouse-sigv4 && $name != gatehouse-signed && $name != gatehouse-plan ]]
    then
        log "$name: ab -k -c $CONNECTIONS -n $AB_REQUESTS"
        local ab_tls=() pid before
        [[ $url == https://* ]] && ab_tls=(-E "$work/ab-client.pem")
        pid=$(proxy_pid "$name")
        before=$(cpu_ticks "$pid")
        taskset -c "$LOAD_CPU" ab -k -q -r -c "$CONNECTIONS" -n "$AB_REQUESTS" "${ab_tls[@]}" "$url" \
            >"$out/ab.txt" 2>&1 || true
        result[$name.ab]=$(awk '/^Requests per second:/ {printf "%d", $4}' "$out/ab.txt")
        local failed
        failed=$(awk '/^Failed requests:/ {print $3}' "$out/ab.txt")
        [ "${failed:-0}" = 0 ] || log "$name: ab reported $failed failed requests (see $out/ab.txt)"
        if [ -n "$pid" ]; then
            result[$name.ab_cpu]=$(cpu_us_per_request "$before" "$(cpu_ticks "$pid")" \
                "$(awk '/^Complete requests:/ {c=$3} /^Failed requests:/ {f=$3} END {print c - f}' "$out/ab.txt")")
        fi
        # New connections as an outside client makes them: ab without -k opens a TCP connection and does a full
        # handshake per request, with Nagle on (ab does not set TCP_NODELAY) — the client the first-answer column
        # is about.
        log "$name: ab (new connection per request) -c $HANDSHAKE_CONNECTIONS -n $AB_NEW_REQUESTS"
        taskset -c "$LOAD_CPU" ab -q -r -c "$HANDSHAKE_CONNECTIONS" -n "$AB_NEW_REQUESTS" "${ab_tls[@]}" "$url" \
            >"$out/ab-new.txt" 2>&1 || true
        result[$name.abnew]=$(awk '/^Requests per second:/ {printf "%d", $4}' "$out/ab-new.txt")
        failed=$(awk '/^Failed requests:/ {print $3}' "$out/ab-new.txt")
        [ "${failed:-0}" = 0 ] || log "$name: ab (new connections) reported $failed failed requests"
    fi
}

# Memory of a freshly started proxy, before any load. $1 = name.
fresh_rss() {
    sleep 1
    local pid
    pid=$(proxy_pid "$1")
    [ -n "$pid" ] && result[$1.rss0]=$(( $(rss_kb "$pid") / 1024 ))
    return 0
}

# Holds idle mTLS connections and reads the proxy's resident memory meanwhile. $1 = name, $2 = URL.
measure_memory() {
    local name=$1 url=$2 out=$work/$1 pid
    pid=$(proxy_pid "$name")
    [ -n "$pid" ] || { log "$name: no process to measure"; return 0; }
    for n in $HOLD_COUNTS; do
        log "$name: holding $n idle mTLS connections"
        rm -f "$out/held-$n"
        taskset -c "$LOAD_CPU" "$load" --hold "$n" -d "$HOLD_SECONDS" --timeout 15 --json "${tls_args[@]}" \
            --ready-file "$out/held-$n" "$url" >"$out/hold-$n.json" 2>"$out/hold-$n.err" &
        local hold_pid=$!
        started_pids+=("$hold_pid")
        for _ in $(seq 1 1200); do
            [ -f "$out/held-$n" ] && break
            kill -0 "$hold_pid" 2>/dev/null || break
            sleep 0.1
        done
        sleep 1
        result[$name.rss$n]=$(( $(rss_kb "$pid") / 1024 ))
        wait "$hold_pid" || true
        result[$name.held$n]=$(json_field "$out/hold-$n.json" 'r["hold"]["established"]')
        sleep 1
    done
}

# --- 4. upstream and every proxy, started together ---------------------------------------------------------------
# All targets run side by side (the idle ones cost nothing) so that the keep-alive runs can be interleaved: on a
# shared machine the capacity drifts over minutes, and runs of one target back to back would put that drift into
# the ratios.
log "starting the upstream (nginx returning 200 ok) on core $LOAD_CPU"
taskset -c "$LOAD_CPU" bash "$reference" upstream "$upstream_port" "$work/upstream"
wait_port "$upstream_port" || die "upstream did not start"

url_for() { echo "$1://127.0.0.1:$2$request_path"; }

targets=()
declare -A target_url
declare -A target_extra
declare -A url_port
add_target() {  # name url extra-arguments...
    local name=$1 url=$2
    shift 2
    targets+=("$name")
    target_url[$name]=$url
    url_port[$name]=$(echo "$url" | sed -E 's|^[a-z]+://[^:/]+:([0-9]+).*$|\1|')
    target_extra[$name]="$*"
}
if wants upstream; then
    add_target upstream "$(url_for http "$upstream_port")"
fi
start_reference() {  # nginx|haproxy port: one of the reference proxies (reference/), as a target
    local kind=$1 port=$2
    log "starting $kind on core $PROXY_CPU"
    taskset -c "$PROXY_CPU" bash "$reference" "$kind" "$port" "$upstream_port" "$pki" "$work/$kind"
    wait_port "$port" || die "$kind did not start"
    fresh_rss "$kind"
    add_target "$kind" "$(url_for https "$port")" "${tls_args[@]}"
}
wants nginx && start_reference nginx "$nginx_port"
# The same nginx over HTTP/2 (its listener offers h2): gatehouse-load --http2, one stream at a time per connection.
wants nginx && wants http2 && add_target nginx-h2 "$(url_for https "$nginx_port")" "${tls_args[@]}" --http2
wants haproxy && start_reference haproxy "$haproxy_port"
if wants gatehouse; then
    log "starting Gatehouse (authorization NONE) on core $PROXY_CPU"
    start_gatehouse gatehouse NONE "$gatehouse_port" "$admin_port"
    fresh_rss gatehouse
    add_target gatehouse "$(url_for https "$gatehouse_port")" "${tls_args[@]}"
    # The same signed requests to the NONE route: SigV4 verification off, everything else (the larger request the
    # client sends) equal, so that the comparison with the AWS_IAM route isolates what verifying costs.
    add_target gatehouse-signed "$(url_for https "$gatehouse_port")" "${tls_args[@]}" \
        --sigv4 "$bench_akid:$bench_secret" --region us-east-1
    # The same route in a stage a usage plan covers: API key, plan throttle, stage and gateway buckets, quota.
    add_target gatehouse-plan "https://127.0.0.1:$gatehouse_port$metered_path" "${tls_args[@]}" \
        -H "x-api-key:$bench_api_key"  # no space: the stored arguments are split on whitespace
    # The same route over HTTP/2 (ALPN h2; the upstream is still called over HTTP/1.1), against nginx-h2.
    wants http2 && add_target gatehouse-h2 "$(url_for https "$gatehouse_port")" "${tls_args[@]}" --http2
    log "starting Gatehouse (AWS_IAM, every request SigV4-signed) on core $PROXY_CPU"
    start_gatehouse gatehouse-sigv4 AWS_IAM "$gatehouse_sigv4_port" "$sigv4_admin_port"
    add_target gatehouse-sigv4 "$(url_for https "$gatehouse_sigv4_port")" "${tls_args[@]}" \
        --sigv4 "$bench_akid:$bench_secret" --region us-east-1
fi

# The floor: what SwiftNIO, NIOSSL and the kernel cost per request before a gateway does anything (gatehouse-floor
# terminates the same mTLS and relays bytes to the upstream, one upstream connection per client connection).
if wants floor; then
    [ -x "$floor" ] || die "$floor not found (swift build -c release --product gatehouse-floor)"
    log "starting gatehouse-floor on core $PROXY_CPU"
    taskset -c "$PROXY_CPU" "$floor" "$floor_port" "$upstream_port" "$pki" >"$work/floor.log" 2>&1 &
    floor_pid=$!
    started_pids+=("$!")
    wait_port "$floor_port" || die "gatehouse-floor did not start"
    add_target floor "$(url_for https "$floor_port")" "${tls_args[@]}"
fi

# Arguments are file paths, flags and the fixed SigV4 key: word splitting of the stored string is safe.
for name in "${targets[@]}"; do
    log "$name: warm-up"
    # shellcheck disable=SC2086
    taskset -c "$LOAD_CPU" "$load" -c "$CONNECTIONS" -d 2 ${target_extra[$name]} "${target_url[$name]}" \
        >/dev/null 2>&1 || true
done
for round in $(seq 1 "$ROUNDS"); do
    for name in "${targets[@]}"; do
        # shellcheck disable=SC2086
        keepalive_round "$name" "${target_url[$name]}" "$round" ${target_extra[$name]}
    done
done
for name in "${targets[@]}"; do
    summarize_rounds "$name"
done

for name in "${targets[@]}"; do
    # shellcheck disable=SC2086
    measure "$name" "${target_url[$name]}" ${target_extra[$name]}
    if [[ $name == nginx || $name == haproxy || $name == gatehouse ]]; then
        measure_memory "$name" "${target_url[$name]}"
    fi
done

# --- 5. table -------------------------------------------------------------------------------------------------
cell() { echo "${result[$1]:--}"; }
ratio() {  # value-key nginx-key -> "(0.95×)" or ""
    local a=${result[$1]:-} b=${result[$2]:-} number='^[0-9]+(\.[0-9]+)?$'
    [[ $a =~ $number && $b =~ $number ]] || return 0
    python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f' ({a/b:.2f}×)' if b > 0 else '')" "$a" "$b"
}
row() {  # name label [reference-name: the row the ratios are to, nginx unless given]
    local n=$1 held_note="" nginx=${3:-nginx}
    for h in $HOLD_COUNTS; do
        local held=${result[$n.held$h]:-}
        [[ -n $held && $held != "$h" ]] && held_note+="; $held of $h held"
    done
    printf '| %s | %s%s | %s%s | %s%s | %s%s | %s%s | %s%s | %s%s | %s%s | %s |' "$2" \
        "$(cell "$n.rps")" "$(ratio "$n.rps" "$nginx.rps")" \
        "$(cell "$n.p99")" "$(ratio "$n.p99" "$nginx.p99")" \
        "$(cell "$n.cpu")" "$(ratio "$n.cpu" "$nginx.cpu")" \
        "$(cell "$n.ab")" "$(ratio "$n.ab" "$nginx.ab")" \
        "$(cell "$n.ab_cpu")" "$(ratio "$n.ab_cpu" "$nginx.ab_cpu")" \
        "$(cell "$n.hs")" "$(ratio "$n.hs" "$nginx.hs")" \
        "$(cell "$n.abnew")" "$(ratio "$n.abnew" "$nginx.abnew")" \
        "$(cell "$n.first")" "$(ratio "$n.first" "$nginx.first")" \
        "$(cell "$n.rss0")"
    for h in $HOLD_COUNTS; do
        printf ' %s%s |' "$(cell "$n.rss$h")" "$(ratio "$n.rss$h" "$nginx.rss$h")"
    done
    printf ' %s |\n' "$(cell "$n.errors")$held_note"
}

{
    echo "Gatehouse benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
    echo "proxy on core $PROXY_CPU, load and upstream on core $LOAD_CPU; ${DURATION}s per run; keep-alive -c $CONNECTIONS (median of $ROUNDS interleaved rounds), new-connection -c $HANDSHAKE_CONNECTIONS, ab -n $AB_REQUESTS, first answer over $FIRST_ANSWER_CONNECTIONS connections; ratios to nginx."
    echo
    header="| target | keep-alive req/s | p99 µs | CPU µs/req | ab -k req/s | ab -k CPU µs/req | new mTLS handshakes/s"
    header+=" | ab new connections/s | first answer, new TLS 1.3, Nagle client, ms | RSS fresh MB |"
    rule="|---|---|---|---|---|---|---|---|---|---|"
    for h in $HOLD_COUNTS; do header+=" RSS $h idle mTLS MB |"; rule+="---|"; done
    echo "$header errors |"
    echo "$rule---|"
    wants upstream && row upstream "upstream direct (plain HTTP)"
    wants nginx && row nginx "nginx $(nginx -v 2>&1 | sed 's|.*/||')"
    wants haproxy && row haproxy "HAProxy $(haproxy -v | head -1 | awk '{print $3}')"
    wants floor && row floor "floor: SwiftNIO + NIOSSL relaying bytes, no gateway work (gatehouse-floor)"
    if wants gatehouse; then
        row gatehouse "Gatehouse (NONE)"
        row gatehouse-signed "Gatehouse, signed requests, SigV4 off (NONE)"
        row gatehouse-plan "Gatehouse, API key + usage plan (throttle, quota) (NONE)"
        row gatehouse-sigv4 "Gatehouse, signed requests, SigV4 on (AWS_IAM)"
        if wants http2; then
            wants nginx && row nginx-h2 "nginx $(nginx -v 2>&1 | sed 's|.*/||'), HTTP/2" nginx-h2
            row gatehouse-h2 "Gatehouse (NONE), HTTP/2 (ratios to nginx over HTTP/2)" nginx-h2
        fi
        echo
        echo "Keep-alive req/s in each round, in the order run:"
        echo
        for name in "${targets[@]}"; do
            echo "- $name:${rounds[$name]:-}"
        done
        echo
        echo "CPU µs/req of the proxy process in each round, in the same order:"
        echo
        for name in "${targets[@]}"; do
            if [ -n "${cpu_rounds[$name]:-}" ]; then echo "- $name:${cpu_rounds[$name]}"; fi
        done
        onoff() {  # off-key on-key text
            [[ ${result[$1.rps]:-} =~ ^[0-9]+$ && ${result[$2.rps]:-} =~ ^[0-9]+$ ]] || return 0
            python3 -c "import sys; a,b=map(int,sys.argv[1:3]); print(f'{sys.argv[3]}: {b/a:.2f}× the keep-alive throughput ({b} vs {a} req/s).')" \
                "${result[$1.rps]}" "${result[$2.rps]}" "$3"
        }
        echo
        onoff gatehouse-signed gatehouse-sigv4 "SigV4 verification on/off, the same signed requests"
        echo
        onoff gatehouse gatehouse-sigv4 "Signed and verified against unsigned requests"
        echo
        onoff gatehouse gatehouse-plan "Usage plan (API key, throttles, quota) against the same route without one"
        cpuonoff() {  # off-key on-key text: the same ratio from CPU per request (steadier on a shared machine)
            [[ ${result[$1.cpu]:-} =~ ^[0-9.]+$ && ${result[$2.cpu]:-} =~ ^[0-9.]+$ ]] || return 0
            python3 -c "import sys; a,b=map(float,sys.argv[1:3]); print(f'{sys.argv[3]}: {a/b:.2f} ({b} vs {a} CPU µs per request).')" \
                "${result[$1.cpu]}" "${result[$2.cpu]}" "$3"
        }
        echo
        cpuonoff gatehouse-signed gatehouse-sigv4 "SigV4 on/off by CPU per request, off ÷ on"
        echo
        cpuonoff gatehouse gatehouse-plan "Usage plan on/off by CPU per request, off ÷ on"
        true
    fi
} | tee "$work/results.md"
[ -n "$RESULTS" ] && cp "$work/results.md" "$RESULTS"
exit 0
