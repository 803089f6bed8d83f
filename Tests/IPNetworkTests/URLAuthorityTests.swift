import Testing

@testable import IPNetwork

@Suite struct URLAuthorityTests {
    @Test(
        arguments: [
            ("127.0.0.1:8080", "127.0.0.1", "8080"), ("example.internal", "example.internal", nil),
            ("[::1]:9000", "::1", "9000"), ("[fd00::1]", "fd00::1", nil), ("host:", "host", ""),
        ] as [(String, String, String?)])
    func splitsHostAndPort(authority: String, host: String, port: String?) throws {
        let split = try URLAuthority.split(Substring(authority)).get()
        #expect(split.host == Substring(host))
        #expect(split.portText.map(String.init) == port)
    }

    @Test func refusesWhatNoURLShouldCarry() {
        #expect(URLAuthority.split("user@host") == .failure(.userInformation))
        #expect(URLAuthority.split("[::1") == .failure(.unterminatedBracket))
        #expect(URLAuthority.split("[::1]x") == .failure(.textAfterBracket))
        #expect(URLAuthority.split(":80") == .failure(.emptyHost))
        #expect(URLAuthority.split("") == .failure(.emptyHost))
    }

    @Test func portsAreOneTo65535() {
        #expect(URLAuthority.port("1") == 1)
        #expect(URLAuthority.port("65535") == 65535)
        for bad in ["0", "65536", "", "80a", "-1"] { #expect(URLAuthority.port(Substring(bad)) == nil, "\(bad)") }
    }
}
