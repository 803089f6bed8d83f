import Foundation
import Testing

@testable import SigV4

/// Requests signed by an independent implementation (botocore, and awscrt for SigV4a) must verify, and must stop
/// verifying when one bit of the signature changes. Fails, naming what is missing, when python3, botocore or awscrt
/// is not installed (`scripts/setup` installs them): a round trip that cannot run has checked nothing.
@Suite struct BotocoreRoundTripTests {
    private struct Output: Decodable {
        var cases: [Case]
        var v4a: String
    }

    private struct Case: Decodable {
        var name: String
        var method: String
        var path: String
        var query: String?
        var host: String
        var headers: [[String]]
        var body: String
        var now: Int
    }

    private static let identities: [String: SigV4Identity] = [
        "AKIDROUNDTRIP": SigV4Identity(accessKeyID: "AKIDROUNDTRIP", secretAccessKey: "rt/Secret+Key==0123456789"),
        "ASIAROUNDTRIP": SigV4Identity(
            accessKeyID: "ASIAROUNDTRIP", secretAccessKey: "tmp/Secret+Key==abcdef", sessionToken: "Tok/en+With==Chars"
        ),
    ]

    @Test func botocoreSignedRequestsVerify() throws {
        let output = try Self.runScript()
        let verifier = SigV4Verifier(region: "us-east-1") { Self.identities[$0] }
        var counts: [String: Int] = [:]
        for testCase in output.cases {
            var headers = testCase.headers.map { (name: $0[0], value: $0[1]) }
            if !headers.contains(where: { $0.name.lowercased() == "host" }) {
                headers.insert(("Host", testCase.host), at: 0)
            }
            let request = SigV4Request(
                method: testCase.method, path: testCase.path, query: testCase.query, headers: headers)
            let body = Array(Data(base64Encoded: testCase.body) ?? Data())
            let bodyHash = SigV4Canonical.sha256Hex(body)
            let result = verifier.verify(request, bodySHA256Hex: bodyHash, now: testCase.now)
            #expect(throws: Never.self, "\(testCase.name)") { try result.get() }
            #expect(
                verifier.verify(Self.flipped(request), bodySHA256Hex: bodyHash, now: testCase.now).failureKind
                    == .invalidSignature,
                "\(testCase.name) flipped bit"
            )
            let kinds = ["crt v4 header", "v4a presigned", "v4a header", "v4 presigned", "v4 header"]
            counts[kinds.first { testCase.name.hasPrefix($0) } ?? "other", default: 0] += 1
        }
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        print("SigV4 botocore round trip: \(output.cases.count) requests (\(summary)); v4a: \(output.v4a)")
        #expect(counts["v4 header", default: 0] == 82)
        #expect(counts["v4 presigned", default: 0] == 48)
        #expect(output.v4a == "ok", "SigV4a was not checked: \(output.v4a) (scripts/setup installs awscrt)")
        #expect(counts["v4a header", default: 0] == 96)
        #expect(counts["v4a presigned", default: 0] == 16)
        #expect(counts["crt v4 header", default: 0] == 32)
    }

    /// The request with the lowest bit of its signature's last byte flipped.
    private static func flipped(_ request: SigV4Request) -> SigV4Request {
        var result = request
        if let index = result.headers.firstIndex(where: { $0.name.lowercased() == "authorization" }) {
            let value = result.headers[index].value
            let signature = SignatureMutation.signature(inAuthorization: value)
            result.headers[index].value = value.replacingOccurrences(
                of: signature, with: SignatureMutation.flipLastBit(signature)
            )
        } else if let query = result.query, let range = query.range(of: "X-Amz-Signature=") {
            let signature = String(query[range.upperBound...].prefix { $0 != "&" })
            result.query = query.replacingOccurrences(of: signature, with: SignatureMutation.flipLastBit(signature))
        }
        return result
    }

    /// python3 or botocore cannot run: the test fails with this, naming what is missing.
    private struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private static func runScript() throws -> Output {
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gatehouse-sigv4-roundtrip-\(getpid()).py"
        )
        try BotocoreScript.source.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot run python3 (\(error)); scripts/setup installs it")
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = String(decoding: errors, as: UTF8.self).split(separator: "\n").last ?? "unknown error"
            throw Unavailable(description: "python3/botocore unavailable (\(reason)); scripts/setup installs them")
        }
        return try JSONDecoder().decode(Output.self, from: data)
    }
}
