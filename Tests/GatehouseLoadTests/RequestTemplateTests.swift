import Foundation
import NIOHTTP1
import Testing

@testable import gatehouse_load

@Suite("RequestTemplate: the request every worker sends")
struct RequestTemplateTests {
    private let target = try! LoadTarget(url: "https://127.0.0.1:8443/prod/x?a=1")

    @Test("defaults: Host from the URL, no body headers")
    func defaults() throws {
        let template = try RequestTemplate(
            method: "get", target: target, hostHeader: nil, headerLines: [], body: nil, closeConnection: false,
            signer: nil
        )
        #expect(template.head.method == .GET)
        #expect(template.head.uri == "/prod/x?a=1")
        #expect(template.head.headers["host"] == ["127.0.0.1:8443"])
        #expect(!template.head.headers.contains(name: "content-length"))
        #expect(!template.head.headers.contains(name: "connection"))
    }

    @Test("--host, -H, body and new-connection mode")
    func options() throws {
        let template = try RequestTemplate(
            method: "POST", target: target, hostHeader: "api.internal", headerLines: ["X-A:  one ", "Host: ignored"],
            body: Array("hello".utf8), closeConnection: true, signer: nil
        )
        #expect(template.head.headers["host"] == ["api.internal"])
        #expect(template.head.headers["x-a"] == ["one"])
        #expect(template.head.headers["content-length"] == ["5"])
        #expect(template.head.headers["connection"] == ["close"])
        #expect(template.body?.readableBytes == 5)
    }

    @Test("a -H Host replaces the default")
    func headerHost() throws {
        let template = try RequestTemplate(
            method: "GET", target: target, hostHeader: nil, headerLines: ["Host: h.example"], body: nil,
            closeConnection: false, signer: nil
        )
        #expect(template.head.headers["host"] == ["h.example"])
    }

    @Test(
        "invalid headers and methods are refused",
        arguments: [
            (["NoColon"], "GET"), (["Bad Name: v"], "GET"), ([": v"], "GET"), (["X: a\r\nInjected: b"], "GET"),
            ([], "GE T"), ([], ""),
        ])
    func refusals(lines: [String], method: String) {
        #expect(throws: LoadError.self) {
            try RequestTemplate(
                method: method, target: target, hostHeader: nil, headerLines: lines, body: nil,
                closeConnection: false, signer: nil
            )
        }
    }

    @Test("SigV4 signing adds X-Amz-Date and Authorization to each request, fresh each time")
    func signing() throws {
        let signer = try SigV4RequestSigner(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: nil, region: "us-east-1", service: "execute-api", body: []
        )
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/prod/x?a=1")
        head.headers.add(name: "host", value: "127.0.0.1:8443")
        signer.sign(&head, at: Date(timeIntervalSince1970: 1_440_938_160))  // 2015-08-30T12:36:00Z
        #expect(head.headers["x-amz-date"] == ["20150830T123600Z"])
        let authorization = try #require(head.headers["authorization"].first)
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=host;x-amz-date, Signature="
            )
        )
    }

    @Test("SigV4 needs a region")
    func signingNeedsRegion() {
        #expect(throws: LoadError.self) {
            try SigV4RequestSigner(
                accessKeyID: "A", secretAccessKey: "S", sessionToken: nil, region: "", service: "execute-api", body: []
            )
        }
    }
}
