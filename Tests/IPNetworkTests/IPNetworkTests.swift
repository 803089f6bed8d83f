import Testing

@testable import IPNetwork

@Suite struct IPAddressTests {
    @Test(arguments: [
        "127.0.0.1", "10.1.2.3", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "2001:db8::8:800:200c:417a",
    ])
    func parsesValidAddresses(_ text: String) {
        #expect(IPAddress(text) != nil)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1::2::3", "fe80::1%eth0", "12345::", "a.b.c.d", ":::",
    ])
    func refusesInvalidAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func formatsCanonically() {
        #expect(IPAddress("127.0.0.1")!.description == "127.0.0.1")
        #expect(IPAddress("0:0:0:0:0:0:0:1")!.description == "::1")
        #expect(IPAddress("fd00:0:0:0:1:0:0:1")!.description == "fd00::1:0:0:1")
        #expect(IPAddress("::ffff:10.0.0.1")!.description == "10.0.0.1")
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("10.0.0.5", true), ("172.16.0.1", true), ("172.32.0.1", false), ("192.168.1.1", true),
        ("100.64.0.1", true), ("100.128.0.1", false), ("169.254.1.1", true), ("8.8.8.8", false), ("0.0.0.0", false),
        ("::1", true), ("fd12::1", true), ("fe80::1", true), ("2001:db8::1", false), ("::", false),
    ])
    func classifiesInternal(_ text: String, _ expected: Bool) {
        #expect(IPAddress(text)!.isInternal == expected)
    }

    @Test func loopback() {
        #expect(IPAddress("127.5.5.5")!.isLoopback)
        #expect(IPAddress("::1")!.isLoopback)
        #expect(!IPAddress("10.0.0.1")!.isLoopback)
    }
}

@Suite struct CIDRTests {
    @Test func containsIPv4() {
        let block = CIDR("127.0.0.0/29")!
        #expect(block.contains(IPAddress("127.0.0.1")!))
        #expect(block.contains(IPAddress("127.0.0.7")!))
        #expect(!block.contains(IPAddress("127.0.0.9")!))
        #expect(block.contains(IPAddress("::ffff:127.0.0.3")!))
        #expect(!block.contains(IPAddress("::1")!))
    }

    @Test func containsIPv6() {
        let block = CIDR("fd00::/8")!
        #expect(block.contains(IPAddress("fd12:3456::1")!))
        #expect(!block.contains(IPAddress("fe80::1")!))
        #expect(CIDR("::1/128")!.contains(IPAddress("::1")!))
        #expect(CIDR("::/0")!.contains(IPAddress("2001:db8::1")!))
    }

    @Test func bareAddressIsHostRoute() {
        #expect(CIDR("10.0.0.1")!.description == "10.0.0.1/32")
        #expect(CIDR("::1")!.description == "::1/128")
        #expect(!CIDR("10.0.0.1")!.contains(IPAddress("10.0.0.2")!))
    }

    @Test func clearsHostBits() {
        #expect(CIDR("10.1.2.3/8")!.description == "10.0.0.0/8")
        #expect(CIDR("0.0.0.0/0")!.contains(IPAddress("1.2.3.4")!))
    }

    @Test(arguments: ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "/8", "10.0.0.0/-1", "10.0.0/8"])
    func refusesInvalid(_ text: String) {
        #expect(CIDR(text) == nil)
    }
}
