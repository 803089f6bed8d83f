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

rounds=${1:-6} seconds=${2:-8}
PORT_BASE=${PORT_BASE:-19100}
source "$(dirname "${BASH_SOURCE[0]}")/side_by_side_lib.sh"
access_key=AKIDBENCH000000000001
secret=benchSecret/0123456789abcdefghijklmnopqrs
side_by_side_setup sigv4
printf '%s' "$secret" >"$work/bench.secret"

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
a_args=(--sigv4 "$access_key:$secret" --region us-east-1)
b_args=("${a_args[@]}")
a_url() { echo "https://127.0.0.1:$1/prod/open/bench"; }
b_url() { echo "https://127.0.0.1:$1/prod/signed/bench"; }
side_by_side_start
side_by_side_rounds off on a/b
