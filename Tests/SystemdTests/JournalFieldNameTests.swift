import Testing

@testable import Systemd

/// journald accepts only `[A-Z0-9_]` names not starting with `_` or a digit, at most 64 bytes.
@Suite struct JournalFieldNameTests {
    @Test(arguments: [
        ("request_id", "REQUEST_ID"),
        ("GATEHOUSE_EVENT", "GATEHOUSE_EVENT"),
        ("source-ip", "SOURCE_IP"),
        ("client.cert.uri", "CLIENT_CERT_URI"),
        ("_pid", "PID"),
        ("__SYSTEMD_UNIT", "SYSTEMD_UNIT"),
        ("2xx", "F_2XX"),
        ("", "F_"),
        ("___", "F_"),
        ("naïve", "NA__VE"),
        ("MESSAGE", "META_MESSAGE"),
        ("priority", "META_PRIORITY"),
        ("syslog_identifier", "META_SYSLOG_IDENTIFIER"),
    ])
    func metadataKeyBecomesFieldName(key: String, expected: String) {
        #expect(JournalFieldName.make(from: key) == expected)
    }

    @Test func longKeysAreCutTo64Bytes() {
        let name = JournalFieldName.make(from: String(repeating: "k", count: 100))
        #expect(name == String(repeating: "K", count: 64))
    }

    @Test func everyResultIsValidForJournald() {
        for key in ["a b", "Ä", "-1", "x=y", "\n", "ok_KEY_9"] {
            let name = JournalFieldName.make(from: key)
            #expect(!name.isEmpty && name.count <= 64)
            #expect(name.first != "_" && !(name.first?.isNumber ?? true))
            #expect(name.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
        }
    }
}
