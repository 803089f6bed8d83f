#!/usr/bin/env bash
# Starts and stops the benchmark's reference servers from the configurations beside this script:
#   reference.sh nginx    PORT UPSTREAM_PORT CERT_DIR WORKDIR   nginx with mTLS in front of the upstream
#   reference.sh haproxy  PORT UPSTREAM_PORT CERT_DIR WORKDIR   HAProxy with mTLS in front of the upstream
#   reference.sh upstream UPSTREAM_PORT WORKDIR                 nginx answering 200 "ok" (plaintext)
#   reference.sh stop     WORKDIR                               stops whatever was started in WORKDIR
# CERT_DIR is what `gatehouse certs init` writes (server.pem, server-key.pem, ca.pem). The configuration actually
# used, its pid file and its logs are written into WORKDIR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
    echo "usage: reference.sh nginx|haproxy PORT UPSTREAM_PORT CERT_DIR WORKDIR" >&2
    echo "       reference.sh upstream UPSTREAM_PORT WORKDIR | stop WORKDIR" >&2
    exit 2
}

# render TEMPLATE OUT: replaces the @NAME@ placeholders with the values set below.
render() {
    sed -e "s|@WORK@|$work|g" -e "s|@CERTS@|${certs:-}|g" -e "s|@PORT@|${port:-}|g" \
        -e "s|@UPSTREAM_PORT@|$up|g" "$1" >"$2"
}

kind=${1:-}
case "$kind" in
nginx | haproxy)
    [ $# -eq 5 ] || usage
    port=$2 up=$3
    certs=$(cd "$4" && pwd)
    work=$(mkdir -p "$5" && cd "$5" && pwd)
    if [ "$kind" = nginx ]; then
        render "$here/nginx.conf.in" "$work/nginx.conf"
        nginx -c "$work/nginx.conf"
    else
        cat "$certs/server.pem" "$certs/server-key.pem" >"$work/haproxy-server.pem"
        render "$here/haproxy.cfg.in" "$work/haproxy.cfg"
        haproxy -f "$work/haproxy.cfg" -D -p "$work/haproxy.pid"
    fi
    ;;
upstream)
    [ $# -eq 3 ] || usage
    up=$2
    work=$(mkdir -p "$3" && cd "$3" && pwd)
    render "$here/upstream.conf.in" "$work/upstream.conf"
    nginx -c "$work/upstream.conf"
    ;;
stop)
    [ $# -eq 2 ] || usage
    for pidfile in "$2"/nginx.pid "$2"/haproxy.pid "$2"/upstream.pid; do
        if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    ;;
*) usage ;;
esac
