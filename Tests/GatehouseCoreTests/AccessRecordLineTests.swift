import Glibc
import Logging
import Systemd
import Testing

@testable import GatehouseCore

/// The access record's direct stderr line must be byte for byte the line swift-log's stderr handler prints for the
/// same record, so log parsers see one format whichever path wrote it.
@Suite struct AccessRecordLineTests {
    private let timestamp = timespec(tv_sec: 1_795_876_865, tv_nsec: 7_000_000)

    private static let full = AccessRecord(
        requestID: "6f1c2b1e-6a43-4c53-9a57-1d2f8b0c9e11", sourceIP: "127.0.0.1", sourceVpce: "vpce-dev",
        clientCertSubject: "CN=orders,OU=svc", clientCertURI: "spiffe://corp.internal/ns/prod/orders",
        principal: "arn:aws:iam::123456789012:user/alice", apiID: "a1b2c3d4e5", stage: "prod",
        routeKey: "GET /users/{id}", method: "GET", path: "/prod/users/42", status: 200, errorType: nil,
        latencyMilliseconds: 1.25, integrationLatencyMilliseconds: 0.875, responseBytes: 1234, apiKeyID: "orders-team",
        usagePlan: "gold", consumer: "orders-team")

    private static let rejected = AccessRecord(
        requestID: "0e6b2d5a-1111-4222-8333-444455556666", sourceIP: "::1", sourceVpce: nil,
        clientCertSubject: "CN=\"quoted\" name\\x", clientCertURI: nil, principal: nil, apiID: nil, stage: nil,
        routeKey: nil, method: "PO ST", path: "/prod/a b\nc=d\u{7F}ü", status: 403,
        errorType: "AccessDeniedException", latencyMilliseconds: 0.0004, integrationLatencyMilliseconds: nil,
        responseBytes: 0)

    @Test(arguments: [full, rejected])
    func lineMatchesTheSwiftLogFormat(record: AccessRecord) {
        let direct = record.line(timestamp: timestamp)
        let throughFormatter = LogLineFormatter().formatBytes(
            level: .info, message: record.message, metadata: record.metadata, timestamp: timestamp)
        #expect(String(decoding: direct, as: UTF8.self) == String(decoding: throughFormatter, as: UTF8.self))
        #expect(direct.last == UInt8(ascii: "\n"))
        #expect(direct.filter { $0 == UInt8(ascii: "\n") }.count == 1)
    }

    /// The stderr log writes records straight into the lines waiting to be written: each must land after them,
    /// whole, and leave them untouched.
    @Test func recordsAppendedToWaitingLinesFollowThemWhole() {
        var waiting = Array("earlier line\n".utf8)
        Self.full.appendLine(to: &waiting, timestamp: timestamp)
        Self.rejected.appendLine(to: &waiting, timestamp: timestamp)
        let expected =
            Array("earlier line\n".utf8) + Self.full.line(timestamp: timestamp)
            + Self.rejected.line(timestamp: timestamp)
        #expect(String(decoding: waiting, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test func lineCarriesEveryContractField() {
        let line = String(decoding: Self.full.line(timestamp: timestamp), as: UTF8.self)
        #expect(line.hasPrefix("2026-11-28T14:41:05.007Z info 127.0.0.1 arn:aws:iam::123456789012:user/alice "))
        for field in [
            "API_ID=a1b2c3d4e5", "CLIENT_CERT_SUBJECT=\"CN=orders,OU=svc\"",
            "CLIENT_CERT_URI=spiffe://corp.internal/ns/prod/orders", "ERROR_TYPE=\"\"", "GATEHOUSE_EVENT=access",
            "HTTP_METHOD=GET", "INTEGRATION_LATENCY_MS=0.875", "LATENCY_MS=1.25", "PATH=/prod/users/42",
            "PRINCIPAL=arn:aws:iam::123456789012:user/alice", "REQUEST_ID=6f1c2b1e-6a43-4c53-9a57-1d2f8b0c9e11",
            "RESPONSE_BYTES=1234", "ROUTE_KEY=\"GET /users/{id}\"", "SOURCE_IP=127.0.0.1", "SOURCE_VPCE=vpce-dev",
            "STAGE=prod", "STATUS=200", "API_KEY_ID=orders-team", "USAGE_PLAN=gold", "CONSUMER=orders-team",
        ] {
            #expect(line.contains(" " + field), "missing \(field) in \(line)")
        }
        #expect(Set(Self.full.metadata.keys).count == 20)
    }
    /// A path is client input: it must not plant `KEY=value` pairs, close a quote or break the line for a logfmt
    /// reader (quotes honoured, the first occurrence of a key wins). The readable message shows it percent-encoded,
    /// the `PATH` field quoted.
    @Test func aPathCannotPlantFields() {
        let record = AccessRecord(
            requestID: "0e6b2d5a-1111-4222-8333-444455556666", sourceIP: "127.0.0.1", sourceVpce: nil,
            clientCertSubject: "CN=alice", clientCertURI: nil, principal: nil, apiID: "a1b2c3d4e5", stage: "prod",
            routeKey: nil, method: "GET",
            path: "/prod/x\" STATUS=200 PRINCIPAL=arn:aws:iam::123456789012:root \"\nERROR_TYPE=none ü%",
            status: 404, errorType: "NotFoundException", latencyMilliseconds: 1, integrationLatencyMilliseconds: nil,
            responseBytes: 10)
        let line = String(decoding: record.line(timestamp: timestamp), as: UTF8.self)
        #expect(line.filter { $0 == "\n" }.count == 1)
        let quoteAware = Self.logfmtFields(line)
        #expect(quoteAware["STATUS"] == "404")
        #expect(quoteAware["PRINCIPAL"] == "\"\"")
        #expect(quoteAware["ERROR_TYPE"] == "NotFoundException")
        #expect(
            line.contains(
                "\"GET /prod/x%22%20STATUS%3D200%20PRINCIPAL%3Darn:aws:iam::123456789012:root%20%22%0A"
                    + "ERROR_TYPE%3Dnone%20%C3%BC%25\""))
        #expect(AccessRecord.messagePath("/prod/users/42") == "/prod/users/42")
    }

    /// `KEY=value` tokens outside quotes, first occurrence wins; quoted values keep their quotes.
    private static func logfmtFields(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        var token = ""
        var quoted = false
        var escaped = false
        func flush() {
            if let equals = token.firstIndex(of: "="), token[..<equals].allSatisfy({ $0.isUppercase || $0 == "_" }),
                equals != token.startIndex
            {
                let key = String(token[..<equals])
                if fields[key] == nil { fields[key] = String(token[token.index(after: equals)...]) }
            }
            token = ""
        }
        for character in line {
            if escaped {
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if (character == " " || character == "\n") && !quoted {
                flush()
                continue
            }
            token.append(character)
        }
        flush()
        return fields
    }
}
