"""Gate 4: which API, stage and route answers (contract §3 Which API, error table 404)."""

import pytest

import harness as h

FIRST = "a1b2c3d4e5"
SECOND = "f6g7h8i9j0"


def mock_json(tag: str, status: int = 200):
    return h.mock(status, '{"route":"%s"}' % tag)


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[
            {
                "id": FIRST,
                "name": "first",
                "hosts": ["orders.internal", "orders.example.corp"],
                "authorization": "NONE",
                "stages": {"prod": {}, "beta": {}},
                "routes": [
                    {"route": "GET /ping", "integration": h.mock(200, '{"api":"first"}')},
                    {"route": "GET /users/me", "integration": mock_json("literal")},
                    {"route": "GET /users/{id}", "integration": mock_json("param")},
                    {"route": "GET /users/{id}/orders/{order}", "integration": mock_json("param2")},
                    {"route": "ANY /users/{proxy+}", "integration": mock_json("proxy")},
                    {"route": "ANY /any", "integration": mock_json("any")},
                    {"route": "DELETE /any", "integration": mock_json("delete-beats-any")},
                    {
                        "route": "POST /mock",
                        "integration": h.mock(
                            201, '{"created":true}', {"content-type": "application/json", "x-mock": "yes"}
                        ),
                    },
                    {"route": "GET /teapot", "integration": h.mock(418, "short and stout", {"content-type": "text/plain"})},
                    {"route": "ANY /up/{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
                ],
            },
            {
                "id": SECOND,
                "name": "second",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"api":"second"}')}],
            },
        ],
    )
    return start_gateway(cfg)


@pytest.fixture(scope="module")
def single(pki, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[
            {
                "id": "s1ngle0001",
                "name": "single",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"api":"single"}')}],
            }
        ],
    )
    return start_gateway(cfg)


def api_of(resp):
    assert resp.status == 200, resp
    return resp.json()["api"]


# ---------------------------------------------------------------------------------------------- API selection


@pytest.mark.parametrize(
    "host, expected",
    [
        (f"{FIRST}.execute-api.us-east-1.amazonaws.com", "first"),
        (f"{SECOND}.execute-api.us-east-1.amazonaws.com", "second"),
        (f"{SECOND}.execute-api.us-east-1.amazonaws.com:8443", "second"),
        (f"{FIRST}.execute-api.us-east-1.vpce.amazonaws.com", "first"),
        (f"{SECOND}.execute-api.us-east-1.vpce.amazonaws.com", "second"),
        ("orders.internal", "first"),
        ("orders.example.corp", "first"),
        ("ORDERS.Internal", "first"),
    ],
)
def test_api_selected_by_host(gw, host, expected):
    assert api_of(h.request(gw, "GET", "/prod/ping", host=host)) == expected


@pytest.mark.parametrize("api, expected", [(FIRST, "first"), (SECOND, "second")])
def test_api_selected_by_x_apigw_api_id(gw, api, expected):
    resp = h.request(gw, "GET", "/prod/ping", host="localhost", headers={"x-apigw-api-id": api})
    assert api_of(resp) == expected


def test_unknown_host_without_api_id_is_404_when_several_apis(gw):
    resp = h.request(gw, "GET", "/prod/ping", host="unknown.internal")
    h.assert_error(resp, 404, "NotFoundException", h.MSG_NOT_FOUND)


def test_unknown_api_id_is_404(gw):
    resp = h.request(gw, "GET", "/prod/ping", host="zzzzzzzzzz.execute-api.us-east-1.amazonaws.com")
    h.assert_error(resp, 404, "NotFoundException", h.MSG_NOT_FOUND)


def test_single_api_is_the_default(single):
    assert api_of(h.request(single, "GET", "/prod/ping", host="localhost")) == "single"
    assert api_of(h.request(single, "GET", "/prod/ping", host="anything.internal")) == "single"


# ---------------------------------------------------------------------------------------------- routes


@pytest.mark.parametrize(
    "method, path, expected",
    [
        ("GET", "/prod/users/me", "literal"),
        ("GET", "/prod/users/42", "param"),
        ("GET", "/prod/users/me/orders/7", "param2"),
        ("GET", "/prod/users/42/orders/7", "param2"),
        ("GET", "/prod/users/42/orders", "proxy"),
        ("GET", "/prod/users/42/orders/7/items", "proxy"),
        ("POST", "/prod/users/me", "proxy"),  # GET-only literal and param do not match POST
        ("GET", "/beta/users/me", "literal"),
    ],
)
def test_literal_beats_param_beats_proxy(gw, method, path, expected):
    resp = h.request(gw, method, path, host="orders.internal", body=b"" if method != "GET" else None)
    assert resp.status == 200, resp
    assert resp.json() == {"route": expected}


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD"])
def test_any_matches_every_method(gw, method):
    resp = h.request(gw, method, "/prod/any", host="orders.internal", body=b"" if method in ("POST", "PUT", "PATCH") else None)
    assert resp.status == 200, resp
    if method != "HEAD":
        assert resp.json() == {"route": "any"}


def test_specific_method_beats_any(gw):
    resp = h.request(gw, "DELETE", "/prod/any", host="orders.internal")
    assert resp.json() == {"route": "delete-beats-any"}


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/nostage/ping"),
        ("GET", "/prod/nothing"),
        ("GET", "/prod"),
        ("GET", "/"),
        ("POST", "/prod/ping"),
        ("GET", "/prod/users"),  # {proxy+} needs at least one segment
        ("GET", "/prod/ping/extra"),
        ("GET", "/PROD/ping"),
    ],
)
def test_unknown_stage_or_route_is_404(gw, method, path):
    resp = h.request(gw, method, path, host="orders.internal", body=b"" if method == "POST" else None)
    h.assert_error(resp, 404, "NotFoundException", h.MSG_NOT_FOUND)
    assert resp.json() == {"message": "Not Found"}


def test_mock_integration_answers_exactly(gw):
    resp = h.request(gw, "POST", "/prod/mock", host="orders.internal", body=b"ignored")
    assert resp.status == 201
    assert resp.body == b'{"created":true}'
    assert resp.header("content-type") == "application/json"
    assert resp.header("x-mock") == "yes"
    h.assert_request_id(resp)
    resp = h.request(gw, "GET", "/prod/teapot", host="orders.internal")
    assert (resp.status, resp.body, resp.header("content-type")) == (418, b"short and stout", "text/plain")


def test_every_response_has_a_fresh_request_id(gw):
    responses = [
        h.request(gw, "GET", "/prod/ping", host="orders.internal"),
        h.request(gw, "GET", "/prod/nothing", host="orders.internal"),
        h.request(gw, "GET", "/prod/up/x", host="orders.internal"),
        h.request(gw, "GET", "/prod/teapot", host="orders.internal"),
        h.request(gw, "GET", "/prod/ping", host="unknown.internal"),
    ]
    ids = [h.assert_request_id(r) for r in responses]
    assert len(set(ids)) == len(ids)
