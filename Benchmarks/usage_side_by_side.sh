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

rounds=${1:-6} seconds=${2:-8}
PORT_BASE=${PORT_BASE:-19000}
source "$(dirname "${BASH_SOURCE[0]}")/side_by_side_lib.sh"
key=benchApiKey0000000000000000000000
side_by_side_setup usage
printf '%s' "$key" >"$work/bench.key"

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
a_args=()
b_args=(-H "x-api-key: $key")
a_url() { echo "https://127.0.0.1:$1/prod/bench"; }
b_url() { echo "https://127.0.0.1:$1/metered/bench"; }
side_by_side_start
side_by_side_rounds plain plan b/a
