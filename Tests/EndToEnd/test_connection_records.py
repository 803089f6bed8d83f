"""Every answered request leaves an access record, however its connection ends (the connection state machine,
`HTTP1ConnectionStateMachine`): a request answered before its body was read, whose body then turns out malformed,
is still logged with the status it got."""
import pytest

import harness as h

API = "a1b2c3d4e5"


@pytest.fixture(scope="module")
def gw(pki, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[
            {
                "id": API,
                "name": "records",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
            }
        ],
    )
    return start_gateway(cfg)


def test_early_answer_is_recorded_when_the_body_dropped_after_it_is_malformed(gw):
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("PUT", "/prod/nowhere", "Transfer-Encoding: chunked"))
        resp = conn.read_response()
        h.assert_error(resp, 404, "NotFoundException", "Not Found")
        request_id = h.assert_request_id(resp)
        # The body being dropped breaks its framing: nothing more can be read, so the connection ends unanswered.
        conn.send(b"zz\r\n")
        ending, extra = conn.read_until_closed(timeout=5)
        assert ending in ("close_notify", "eof"), ending
        assert extra == b""
    fields = h.access_fields(gw, request_id)
    assert fields["STATUS"] == "404"
    assert fields["ERROR_TYPE"] == "NotFoundException"
    assert fields["PATH"] == "/prod/nowhere"
