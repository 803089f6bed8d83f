/// The Python program the round-trip test runs: it signs requests with botocore (SigV4Auth, SigV4QueryAuth) and
/// awscrt through botocore (CrtSigV4Auth, CrtSigV4AsymAuth, CrtSigV4AsymQueryAuth) and prints them as JSON.
/// Paths are percent-encoded before signing, as botocore's serializers do, so the path signed is the wire path.
enum BotocoreScript {
    static let source = #"""
        import json, sys, time, base64
        from urllib.parse import quote, urlsplit
        import botocore.auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        HOST = "abc123.execute-api.us-east-1.amazonaws.com"
        REGION = "us-east-1"
        SERVICE = "execute-api"
        plain = Credentials("AKIDROUNDTRIP", "rt/Secret+Key==0123456789")
        temp = Credentials("ASIAROUNDTRIP", "tmp/Secret+Key==abcdef", "Tok/en+With==Chars")

        PATHS = ["/prod/items", "/prod/a b/c", "/prod/\u1234/\u00fc", "/prod/$del/@x:y/!*'()", "/prod/a/./b/../c//d/",
                 "/prod/100%", "/prod/", "/prod/x+y=z;w,v"]
        QUERIES = ["", "q=1&q=0", "empty=&flag", "plus=a%2Bb&sp=a%20b&star=%2A&tilde=~", "k%C3%BC=v%E1%88%B4&b=2&a=1"]

        def url(path, query):
            u = "https://" + HOST + quote(path, safe="/~")
            return u + ("?" + query if query else "")

        def emit(out, name, req, signed_at):
            p = req.prepare()
            parts = urlsplit(p.url)
            headers = [[k, v if isinstance(v, str) else v.decode()] for k, v in p.headers.items()]
            body = p.body or b""
            if isinstance(body, str): body = body.encode()
            out.append({"name": name, "method": p.method, "path": parts.path, "query": parts.query if "?" in p.url else None,
                        "host": HOST, "headers": headers, "body": base64.b64encode(body).decode(), "now": signed_at})

        out = []
        for i, path in enumerate(PATHS):
            for j, query in enumerate(QUERIES):
                for creds in (plain, temp):
                    req = AWSRequest(method="GET", url=url(path, query), headers={})
                    now = int(time.time()); botocore.auth.SigV4Auth(creds, SERVICE, REGION).add_auth(req)
                    emit(out, f"v4 header {path!r} ?{query} token={creds.token is not None}", req, now)
        for creds in (plain, temp):
            body = json.dumps({"hello": "w\u00f6rld"}).encode()
            req = AWSRequest(method="POST", url=url("/prod/orders", "dry=1"), data=body, headers={"Content-Type": "application/json"})
            now = int(time.time()); botocore.auth.SigV4Auth(creds, SERVICE, REGION).add_auth(req)
            emit(out, f"v4 header POST body token={creds.token is not None}", req, now)
        # Presigned: botocore's SigV4QueryAuth re-serializes the query with parse_qs, so no repeated keys here.
        for path in PATHS:
            for query in ["", "a=1&b=x%20y", "empty=&k%C3%BC=v"]:
                for creds in (plain, temp):
                    req = AWSRequest(method="GET", url=url(path, query), headers={})
                    now = int(time.time()); botocore.auth.SigV4QueryAuth(creds, SERVICE, REGION, expires=900).add_auth(req)
                    emit(out, f"v4 presigned {path!r} ?{query} token={creds.token is not None}", req, now)
        try:
            from botocore.crt.auth import CrtSigV4AsymAuth, CrtSigV4AsymQueryAuth, CrtSigV4Auth
        except Exception as error:
            print(json.dumps({"cases": out, "v4a": f"awscrt unavailable: {error}"})); sys.exit(0)
        for path in PATHS:
            for query in ["", "q=1&q=0&flag"]:
                for creds in (plain, temp):
                    for region_set in (REGION, "*", "us-*"):
                        req = AWSRequest(method="GET", url=url(path, query), headers={})
                        now = int(time.time()); CrtSigV4AsymAuth(creds, SERVICE, region_set).add_auth(req)
                        emit(out, f"v4a header {path!r} ?{query} set={region_set} token={creds.token is not None}", req, now)
                    req = AWSRequest(method="GET", url=url(path, query), headers={})
                    now = int(time.time()); CrtSigV4Auth(creds, SERVICE, REGION).add_auth(req)
                    emit(out, f"crt v4 header {path!r} ?{query} token={creds.token is not None}", req, now)
                req = AWSRequest(method="GET", url=url(path, ""), headers={})
                now = int(time.time()); CrtSigV4AsymQueryAuth(creds, SERVICE, REGION, expires=900).add_auth(req)
                emit(out, f"v4a presigned {path!r}", req, now)
        print(json.dumps({"cases": out, "v4a": "ok"}))
        """#
}
