"""The command line (contract §1), configuration checking (§2) and the internal-only rule (§6)."""

import re
import socket
import stat
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import harness as h

GOOD_API = {
    "id": "c1ic0nf001",
    "name": "cli",
    "authorization": "NONE",
    "stages": {"prod": {}},
    "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
}


def write_config(dir, cfg, pki):
    gw = h.Gateway(dir, cfg, pki)
    gw.write_files()
    return gw


def position_lines(stderr_or_stdout: str, path):
    pat = re.compile(rf"^{re.escape(str(path))}:(\d+):(\d+): (.+)$")
    return [pat.match(line) for line in stderr_or_stdout.splitlines() if pat.match(line)]


# ---------------------------------------------------------------------------------------------- version / usage


def test_version():
    out = h.run_cli("version")
    assert out.returncode == 0
    assert re.match(r"^gatehouse \S+", out.stdout), out.stdout


@pytest.mark.parametrize(
    "args",
    [["no-such-command"], ["serve"], ["validate"], ["serve", "--config"], ["certs", "init"],
     ["policy", "simulate", "--config", "x.yaml"], ["version", "--bogus"]],
    ids=lambda a: " ".join(a) or "none",
)
def test_usage_error_exits_64(args):
    out = h.run_cli(*args)
    assert out.returncode == 64, (out.returncode, out.stdout, out.stderr)
    assert out.stderr.strip()


# ---------------------------------------------------------------------------------------------- validate


def test_validate_good_config_prints_ok(tmp_path, pki):
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API]), pki)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 0, out.stderr
    assert out.stdout == "ok\n"


def test_validate_relative_paths_resolve_against_config_folder(tmp_path, pki):
    import shutil

    certs = tmp_path / "certs"
    certs.mkdir()
    for src in (pki.server, pki.server_key, pki.ca):
        shutil.copy(src, certs / src.name)
    (certs / "server-key.pem").chmod(0o600)
    lst = h.https_listener(pki)
    lst["tls"] = {"certificate": "certs/server.pem", "private_key": "certs/server-key.pem", "client_ca": "certs/ca.pem"}
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API], listeners=[lst]), pki)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env(), cwd="/")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "ok\n"


BAD_YAML = """\
region: us-east-1
account_id: "123456789012"
max_clock_skw: 300
limits:
  max_body_bytes: 1000
  max_headr_bytes: 1000
listeners:
  - name: https
    bind: 127.0.0.1:18443
    tls:
      certificate: {server}
      private_key: {server_key}
      client_ca: {ca}
    allow_sources: ["127.0.0.0/8"]
apis: []
"""


@pytest.fixture
def bad_config(tmp_path, pki):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_YAML.format(server=pki.server, server_key=pki.server_key, ca=pki.ca))
    return path


def test_validate_reports_unknown_keys_with_positions(bad_config):
    out = h.run_cli("validate", "--config", bad_config)
    assert out.returncode == 1, (out.stdout, out.stderr)
    text = out.stdout + out.stderr
    found = {(int(mt.group(1)), int(mt.group(2))): mt.group(3) for mt in position_lines(text, bad_config)}
    assert (3, 1) in found, text
    assert "max_clock_skw" in found[(3, 1)]
    assert (6, 3) in found, text  # one line per problem: the nested typo is reported too
    assert "max_headr_bytes" in found[(6, 3)]
    assert "ok" not in out.stdout.split()


def test_validate_reports_unset_environment_variable(tmp_path, pki):
    cfg = h.base_config(pki, apis=[GOOD_API])
    cfg["identities"][0]["principal"] = "arn:aws:iam::123456789012:user/${GATEHOUSE_E2E_SURELY_UNSET}"
    gw = write_config(tmp_path, cfg, pki)
    text_lines = gw.config_path.read_text().splitlines()
    line_no = next(i + 1 for i, line in enumerate(text_lines) if "GATEHOUSE_E2E_SURELY_UNSET" in line)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1, out.stdout
    text = out.stdout + out.stderr
    lines = [mt for mt in position_lines(text, gw.config_path) if "GATEHOUSE_E2E_SURELY_UNSET" in mt.group(3)]
    assert lines, text
    assert int(lines[0].group(1)) == line_no
    assert int(lines[0].group(2)) >= 1


def test_validate_expands_set_environment_variable(tmp_path, pki):
    cfg = h.base_config(pki, apis=[GOOD_API])
    cfg["identities"][0]["principal"] = "arn:aws:iam::123456789012:user/${GATEHOUSE_E2E_USER_NAME}"
    gw = write_config(tmp_path, cfg, pki)
    out = h.run_cli("validate", "--config", gw.config_path, env={**gw.process_env(), "GATEHOUSE_E2E_USER_NAME": "x"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout == "ok\n"


def test_validate_reports_missing_certificate_file(tmp_path, pki):
    lst = h.https_listener(pki, tls=h.tls_block(pki, certificate=str(tmp_path / "nope.pem")))
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API], listeners=[lst]), pki)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1
    assert "nope.pem" in out.stdout + out.stderr


def test_validate_reports_unknown_network_in_allow_sources(tmp_path, pki):
    lst = h.https_listener(pki, allow_sources=["vpce-typo"])
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API], listeners=[lst]), pki)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1
    assert "vpce-typo" in out.stdout + out.stderr


def test_serve_refuses_invalid_config(bad_config):
    out = subprocess.run([str(h.BINARY), "serve", "--config", str(bad_config)], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1
    assert "max_clock_skw" in out.stderr


# ---------------------------------------------------------------------------------------------- public bind


# Only unassigned documentation addresses: were the check missing, binding them fails instead of exposing a port.
@pytest.mark.parametrize("address", ["203.0.113.10", "[2001:db8::10]"])
def test_serve_refuses_public_bind(tmp_path, pki, address):
    lst = h.https_listener(pki)
    port = lst["bind"].rsplit(":", 1)[1]
    lst["bind"] = f"{address}:{port}"
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API], listeners=[lst]), pki)
    proc = subprocess.Popen([str(h.BINARY), "serve", "--config", str(gw.config_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=gw.process_env())
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"gatehouse kept running with a public bind address {address}")
    assert proc.returncode == 1, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one readable sentence, got: {err}"
    assert lines[0].startswith(f"{gw.config_path}:"), err
    assert lines[0].endswith(
        f'bind "{address}:{port}" in listener "https" is not an internal address (loopback, RFC 1918, RFC 6598, '
        'link-local or ULA); set "allow_public_bind: true" to allow it'), err
    # it refused before binding: bind-time errors would say something else
    assert "Cannot assign requested address" not in err and "EADDRNOTAVAIL" not in err, err


def test_allow_public_bind_lifts_the_refusal(tmp_path, pki):
    # 203.0.113.10 is not on this machine, so with the refusal lifted the bind itself fails: still nothing listens
    lst = h.https_listener(pki, allow_public_bind=True)
    lst["bind"] = "203.0.113.10:" + lst["bind"].rsplit(":", 1)[1]
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API], listeners=[lst]), pki)
    out = subprocess.run([str(h.BINARY), "serve", "--config", str(gw.config_path)], capture_output=True, text=True,
                         timeout=30, env=gw.process_env())
    assert out.returncode == 1, out.stderr
    assert "not an internal address" not in out.stderr and "allow_public_bind" not in out.stderr, out.stderr
    assert "203.0.113.10" in out.stderr, out.stderr


def test_internal_bind_addresses_are_accepted_by_validate(tmp_path, pki):
    listeners = []
    for i, addr in enumerate(["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.1.1",
                              "[::1]", "[fd00::1]", "[fe80::1]"]):
        lst = h.https_listener(pki, name=f"l{i}")
        lst["bind"] = f"{addr}:{8000 + i}"
        listeners.append(lst)
    gw = write_config(tmp_path, h.base_config(pki, apis=[GOOD_API], listeners=listeners), pki)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 0, out.stdout + out.stderr


# ---------------------------------------------------------------------------------------------- certs init


def load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def san(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return x509.SubjectAlternativeName([])


def test_certs_init_writes_the_file_set(tmp_path):
    out_dir = tmp_path / "pki"
    out = h.run_cli("certs", "init", "--out", out_dir, "--client", "alice=spiffe://demo.internal/alice",
                    "--client", "bob", "--server-name", "gw.internal", "--server-name", "10.0.0.5")
    assert out.returncode == 0, out.stderr
    expected = {"ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "clients/alice.pem",
                "clients/alice-key.pem", "clients/bob.pem", "clients/bob-key.pem"}
    present = {str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file()}
    assert expected <= present, present
    for key in ("ca-key.pem", "server-key.pem", "clients/alice-key.pem", "clients/bob-key.pem"):
        mode = stat.S_IMODE((out_dir / key).stat().st_mode)
        assert mode == 0o600, f"{key} has mode {oct(mode)}"

    ca = load(out_dir / "ca.pem")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    for name in ("ca.pem", "server.pem", "clients/alice.pem", "clients/bob.pem"):
        cert = load(out_dir / name)
        assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
        assert cert.public_key().curve.name == "secp256r1", name
        if name != "ca.pem":
            assert cert.issuer == ca.subject
            cert.verify_directly_issued_by(ca)

    server = san(load(out_dir / "server.pem"))
    dns = set(server.get_values_for_type(x509.DNSName))
    ips = {str(ip) for ip in server.get_values_for_type(x509.IPAddress)}
    assert {"localhost", "gw.internal"} <= dns, dns
    # an address given as --server-name is an IP SAN (a DNS SAN holding an IP matches nothing in RFC 6125 clients)
    assert ips == {"127.0.0.1", "::1", "10.0.0.5"}, (dns, ips)
    assert dns == {"localhost", "gw.internal"}, (dns, ips)

    alice = load(out_dir / "clients/alice.pem")
    assert alice.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "alice"
    assert san(alice).get_values_for_type(x509.UniformResourceIdentifier) == ["spiffe://demo.internal/alice"]
    eku = alice.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in list(eku)
    bob = load(out_dir / "clients/bob.pem")
    assert bob.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "bob"
    assert san(bob).get_values_for_type(x509.UniformResourceIdentifier) == []


def test_certs_init_refuses_to_overwrite_without_force(tmp_path):
    out_dir = tmp_path / "pki"
    assert h.run_cli("certs", "init", "--out", out_dir, "--client", "alice").returncode == 0
    before = {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    out = h.run_cli("certs", "init", "--out", out_dir, "--client", "alice")
    assert out.returncode == 1
    # the first file it would have written is named, and nothing is written
    assert out.stderr.strip() == f"gatehouse: {out_dir}/ca.pem already exists; use --force to overwrite it.", out.stderr
    assert {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()} == before, "files changed without --force"

    out = h.run_cli("certs", "init", "--out", out_dir, "--client", "alice", "--force")
    assert out.returncode == 0, out.stderr
    assert (out_dir / "ca.pem").read_bytes() != before[out_dir / "ca.pem"]


def test_certs_init_refuses_when_any_single_file_exists(tmp_path):
    out_dir = tmp_path / "pki"
    (out_dir / "clients").mkdir(parents=True)
    (out_dir / "clients" / "carol-key.pem").write_text("precious")
    out = h.run_cli("certs", "init", "--out", out_dir, "--client", "carol")
    assert out.returncode == 1
    assert "carol-key.pem" in out.stderr, out.stderr
    assert (out_dir / "clients" / "carol-key.pem").read_text() == "precious"


def test_certs_init_output_serves_mtls(pki, start_gateway):
    # the shared PKI fixture is made by certs init; this proves its server cert verifies as 127.0.0.1 and localhost
    ctx = h.client_context(pki, "alice")
    cfg = h.base_config(pki, apis=[GOOD_API])
    gw = start_gateway(cfg)
    for name in ("localhost", "127.0.0.1"):
        with socket.create_connection((h.LOOPBACK, gw.port()), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=name) as s:
                assert s.version() in ("TLSv1.2", "TLSv1.3")
    assert h.request(gw, "GET", "/prod/ping").status == 200


def test_validate_checks_policy_files_with_positions(tmp_path, pki):
    api = dict(GOOD_API, policy="policies/bad.json")
    bad_policy = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Allw", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}\n'
        "  ]\n}\n"
    )
    gw = h.Gateway(tmp_path, h.base_config(pki, apis=[api]), pki, files={"policies/bad.json": bad_policy})
    gw.write_files()
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1, out.stdout
    text = out.stdout + out.stderr
    policy_path = tmp_path / "policies" / "bad.json"
    lines = [mt for mt in position_lines(text, policy_path)]
    assert lines, text
    assert int(lines[0].group(1)) == 4, text
    assert "Effect" in lines[0].group(3)


def test_validate_refuses_missing_policy_file(tmp_path, pki):
    api = dict(GOOD_API, policy="policies/missing.json")
    gw = write_config(tmp_path, h.base_config(pki, apis=[api]), pki)
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1
    assert "missing.json" in out.stdout + out.stderr
