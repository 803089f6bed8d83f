"""Admin listener metrics and health (contract §5) against the real gateway: every metric family with its
labels and exact counts after known traffic, the baseline a fresh gateway shows, reload counting, and /readyz
answering 503 (not a refused connection) while SIGTERM drains a request in flight."""

from __future__ import annotations

import dataclasses
import http.client
import re
import signal
import threading
import time


import harness as h
from harness import OTHER_SOURCE

API = "metr1csap1"
PROM_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

FAMILIES = {
    # name: (type, label names)
    "gatehouse_requests_total": ("counter", {"api", "stage", "route", "method", "status"}),
    "gatehouse_request_duration_seconds": ("histogram", {"api", "stage", "route"}),
    "gatehouse_integration_duration_seconds": ("histogram", {"api", "stage", "route"}),
    "gatehouse_connections_rejected_total": ("counter", {"listener", "reason"}),
    "gatehouse_tls_handshake_failures_total": ("counter", {"listener", "reason"}),
    "gatehouse_auth_failures_total": ("counter", {"api", "reason"}),
    "gatehouse_active_connections": ("gauge", {"listener"}),
    "gatehouse_config_reloads_total": ("counter", {"result"}),
}

PING = "GET /ping"
OPEN = "GET /open/{proxy+}"
SIGNED = "ANY /{proxy+}"


def config(pki, upstream, **extra):
    return h.admin_config(pki, upstream.url, api_id=API, name="metrics", **extra)


# ------------------------------------------------------------------------------------------- scraping


@dataclasses.dataclass
class Scrape:
    status: int
    headers: dict
    text: str
    types: dict  # family -> type
    samples: list  # (name, labels dict, value)

    def find(self, name: str, **labels) -> list:
        return [s for s in self.samples if s[0] == name and all(s[1].get(k) == v for k, v in labels.items())]

    def value(self, name: str, **labels) -> float | None:
        """The value of the one series with exactly these labels (None when absent)."""
        found = [s for s in self.samples if s[0] == name and s[1] == labels]
        assert len(found) <= 1, found
        return found[0][2] if found else None

    def total(self, name: str, **labels) -> float:
        return sum(s[2] for s in self.find(name, **labels))


SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def parse(text: str) -> tuple[dict, list]:
    types, samples = {}, []
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in types, f"family {name} typed twice"
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = {}
        if m.group(2):
            consumed = 0
            for lm in LABEL_RE.finditer(m.group(2)):
                assert lm.start() == consumed, f"bad labels in {line!r}"
                labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
                consumed = lm.end()
            assert consumed == len(m.group(2)), f"bad labels in {line!r}"
        samples.append((m.group(1), labels, float(m.group(3))))
    return types, samples


def admin_request(gw, method: str, path: str, timeout: float = 5):
    conn = http.client.HTTPConnection(h.LOOPBACK, gw.port("admin"), timeout=timeout)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def scrape(gw) -> Scrape:
    status, headers, text = admin_request(gw, "GET", "/metrics")
    types, samples = parse(text)
    return Scrape(status, headers, text, types, samples)


def scrape_until(gw, predicate, timeout: float = 5.0) -> Scrape | None:
    """Scrapes until predicate(scrape) holds (counts settle asynchronously); the matching scrape, or None."""
    deadline = time.monotonic() + timeout
    while True:
        s = scrape(gw)
        if predicate(s):
            return s
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def assert_family_labels(s: Scrape) -> None:
    """Every contract family is typed as the contract says, and each of its samples carries exactly its labels."""
    for name, (kind, labels) in FAMILIES.items():
        assert s.types.get(name) == kind, f"{name}: TYPE {s.types.get(name)!r}, expected {kind}\n{s.text[:3000]}"
        for sample_name, sample_labels, _ in s.samples:
            base = re.sub(r"_(bucket|sum|count)$", "", sample_name) if kind == "histogram" else sample_name
            if base != name:
                continue
            expected = labels | ({"le"} if sample_name.endswith("_bucket") else set())
            assert set(sample_labels) == expected, f"{sample_name}{sample_labels}: expected labels {expected}"


def assert_histogram(s: Scrape, name: str, count: int, **labels) -> None:
    """A consistent histogram series: buckets cumulative, +Inf == _count == count, buckets from 1 ms to 30 s."""
    buckets = s.find(name + "_bucket", **labels)
    assert buckets, f"{name} has no buckets for {labels}\n{s.text[:3000]}"
    by_le = {b[1]["le"]: b[2] for b in buckets}
    assert by_le.get("+Inf") == count, by_le
    assert s.value(name + "_count", **labels) == count
    assert s.value(name + "_sum", **labels) is not None
    bounds = sorted((float(le), v) for le, v in by_le.items() if le != "+Inf")
    assert bounds[0][0] == 0.001 and bounds[-1][0] == 30.0, bounds
    values = [v for _, v in bounds] + [by_le["+Inf"]]
    assert values == sorted(values), f"buckets not cumulative: {bounds}"


# ---------------------------------------------------------------------------------------------- tests


def settled(gw) -> Scrape:
    """A scrape once the harness's readiness probe (a bare TCP connect to the https listener) has closed."""
    s = scrape_until(gw, lambda sc: sc.value("gatehouse_active_connections", listener="https") == 0)
    assert s is not None, "gatehouse_active_connections did not return to 0"
    return s


def delta(after: Scrape, before: Scrape, name: str, **labels) -> float:
    return (after.value(name, **labels) or 0) - (before.value(name, **labels) or 0)


def test_fresh_gateway_shows_every_family_and_baseline(pki, upstream, start_gateway):
    gw = start_gateway(config(pki, upstream))
    s = settled(gw)
    assert s.status == 200
    assert s.headers["content-type"] == PROM_CONTENT_TYPE
    assert_family_labels(s)
    assert s.value("gatehouse_config_reloads_total", result="success") == 0
    assert s.value("gatehouse_config_reloads_total", result="failure") == 0
    assert s.value("gatehouse_active_connections", listener="https") == 0
    # the admin listener is not a data listener and is not counted
    assert not s.find("gatehouse_active_connections", listener="admin")
    assert not s.find("gatehouse_requests_total")


def test_traffic_is_counted_per_family_with_labels(pki, upstream, start_gateway):
    gw = start_gateway(config(pki, upstream))
    settled(gw)
    # the harness's readiness probe (a bare TCP connect) is one failed handshake; its count can land a moment after
    # the connection gauge returns to 0, so wait for it before taking the baseline
    before = scrape_until(gw, lambda sc: sc.total("gatehouse_tls_handshake_failures_total") == 1)
    assert before is not None, "the readiness probe's closed handshake was not counted"

    for _ in range(3):
        assert h.request(gw, "GET", "/prod/ping").status == 200
    for _ in range(2):
        assert h.request(gw, "GET", f"/prod/open/{h.marker()}").status == 200
    # gate 5: an unsigned request to an AWS_IAM route, and one signed with the wrong secret
    h.assert_error(h.request(gw, "GET", "/prod/needs-signature"), 403, "MissingAuthenticationTokenException")
    wrong = dataclasses.replace(h.ALICE, secret="not-alices-secret-at-all-0123456789abcd")
    headers = h.manual_sign("GET", "localhost", "/prod/needs-signature", identity=wrong)
    h.assert_error(
        h.request(gw, "GET", "/prod/needs-signature", headers=headers, host=None), 403, "InvalidSignatureException"
    )
    # gate 4: no such stage
    assert h.request(gw, "GET", "/beta/ping").status == 404
    # gate 1: a source outside allow_sources, twice
    for _ in range(2):
        with h.tcp_connect(gw.port(), source=OTHER_SOURCE, timeout=5) as sock:
            try:
                assert sock.recv(10) == b""
            except ConnectionResetError:
                pass
    # gate 2: a handshake without a client certificate
    kind, detail = h.tls_outcome(gw, h.client_context(gw.pki, None))
    assert kind == "alert" and "ALERT" in str(detail).upper(), f"expected a TLS alert: {kind}: {detail!r}"

    s = settled(gw)
    assert_family_labels(s)

    req = "gatehouse_requests_total"
    assert s.value(req, api=API, stage="prod", route=PING, method="GET", status="200") == 3, s.find(req)
    assert s.value(req, api=API, stage="prod", route=OPEN, method="GET", status="200") == 2, s.find(req)
    assert s.value(req, api=API, stage="prod", route=SIGNED, method="GET", status="403") == 2, s.find(req)
    not_found = s.find(req, status="404")
    assert [x[2] for x in not_found] == [1], not_found
    assert not_found[0][1]["method"] == "GET", not_found
    assert s.total(req) == 8, s.find(req)

    assert_histogram(s, "gatehouse_request_duration_seconds", 3, api=API, stage="prod", route=PING)
    assert_histogram(s, "gatehouse_request_duration_seconds", 2, api=API, stage="prod", route=OPEN)
    assert_histogram(s, "gatehouse_integration_duration_seconds", 2, api=API, stage="prod", route=OPEN)
    # requests refused before the integration spend no integration time
    assert not s.find("gatehouse_integration_duration_seconds_count", route=SIGNED)

    assert s.value("gatehouse_auth_failures_total", api=API, reason="MissingAuthenticationTokenException") == 1
    assert s.value("gatehouse_auth_failures_total", api=API, reason="InvalidSignatureException") == 1
    assert s.total("gatehouse_auth_failures_total") == 2

    rejected = "gatehouse_connections_rejected_total"
    assert s.value(rejected, listener="https", reason="source_not_allowed") == 2, s.find(rejected)
    assert s.total(rejected) == 2, s.find(rejected)

    failures = "gatehouse_tls_handshake_failures_total"
    assert delta(s, before, failures, listener="https", reason="no_client_certificate") == 1, s.find(failures)
    assert s.total(failures) - before.total(failures) == 1, s.find(failures)

    assert s.value("gatehouse_config_reloads_total", result="success") == 0
    assert s.value("gatehouse_config_reloads_total", result="failure") == 0


def test_active_connections_follow_open_connections(pki, upstream, start_gateway):
    gw = start_gateway(config(pki, upstream))
    conns = [h.https_connection(gw) for _ in range(2)]
    try:
        for conn in conns:
            assert h.send_on(conn, "GET", "/prod/ping").status == 200  # keep-alive: stays open
        s = scrape_until(gw, lambda sc: sc.value("gatehouse_active_connections", listener="https") == 2)
        assert s is not None, "two open keep-alive connections are not counted as 2"
    finally:
        for conn in conns:
            conn.close()
    s = scrape_until(gw, lambda sc: sc.value("gatehouse_active_connections", listener="https") == 0)
    assert s is not None, "closed connections are still counted"


def test_reloads_are_counted_by_result(pki, upstream, start_gateway):
    gw = start_gateway(config(pki, upstream))
    gw.proc.send_signal(signal.SIGHUP)
    s = scrape_until(gw, lambda sc: sc.value("gatehouse_config_reloads_total", result="success") == 1)
    assert s is not None, "a successful SIGHUP reload was not counted"
    assert s.value("gatehouse_config_reloads_total", result="failure") == 0

    good = gw.config_path.read_text()
    gw.config_path.write_text("region: [this is not valid\n")
    gw.proc.send_signal(signal.SIGHUP)
    s = scrape_until(gw, lambda sc: sc.value("gatehouse_config_reloads_total", result="failure") == 1)
    gw.config_path.write_text(good)
    assert s is not None, "a failed SIGHUP reload was not counted"
    assert s.value("gatehouse_config_reloads_total", result="success") == 1
    assert gw.proc.poll() is None


def test_health_endpoints_and_errors(pki, upstream, start_gateway):
    gw = start_gateway(config(pki, upstream))
    assert admin_request(gw, "GET", "/healthz")[0] == 200
    assert admin_request(gw, "GET", "/readyz")[0] == 200
    assert admin_request(gw, "GET", "/nothing")[0] == 404
    status, headers, _ = admin_request(gw, "POST", "/metrics")
    assert status == 405
    assert headers.get("allow") == "GET, HEAD"


def test_readyz_is_503_while_draining(pki, upstream, start_gateway):
    cfg = config(pki, upstream)
    cfg["drain_timeout"] = 10
    gw = start_gateway(cfg)
    assert admin_request(gw, "GET", "/readyz")[0] == 200
    result = {}

    def slow():
        try:
            result["resp"] = h.request(gw, "GET", f"/prod/open/{h.marker()}/slow/2500", timeout=20)
        except Exception as e:  # noqa: BLE001
            result["error"] = e

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)  # the request is now waiting on the upstream
    gw.proc.send_signal(signal.SIGTERM)

    seen = []
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        seen.append(admin_request(gw, "GET", "/readyz", timeout=2)[0])
        if seen[-1] == 503:
            break
        time.sleep(0.05)
    assert seen and seen[-1] == 503, f"/readyz during drain answered {seen}"
    # still alive and still measuring while draining
    assert admin_request(gw, "GET", "/healthz")[0] == 200
    assert scrape(gw).status == 200

    t.join(20)
    assert "error" not in result, f"in-flight request failed during drain: {result.get('error')!r}"
    assert result["resp"].status == 200
    assert gw.proc.wait(timeout=15) == 0
