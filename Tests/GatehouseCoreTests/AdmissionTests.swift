import GatehouseConfig
import IPNetwork
import Testing

@testable import GatehouseCore

/// Gate 1's decisions: `allow_sources`, and the PROXY protocol's trusted proxies, without sockets.
@Suite struct AdmissionTests {
    static let loopback = AllowedSource.cidr(CIDR("127.0.0.0/8")!)
    static let client = IPAddress("127.0.0.1")!
    static let outsider = IPAddress("10.1.2.3")!
    static let proxy = IPAddress("127.0.0.5")!

    @Test func plainListenerAdmitsAllowedPeersOnly() {
        let admission = Admission(allowedSources: [Self.loopback], trustedProxies: nil)
        #expect(admission.atAccept(peer: Self.client) == .admit(source: Self.client))
        #expect(
            admission.atAccept(peer: Self.outsider) == .refuse(reason: "source_not_allowed", source: "10.1.2.3"))
        #expect(admission.atAccept(peer: nil) == .refuse(reason: "unknown_source", source: "unknown"))
    }

    @Test func emptyAllowSourcesAdmitsNobody() {
        let admission = Admission(allowedSources: [], trustedProxies: nil)
        #expect(admission.atAccept(peer: Self.client) == .refuse(reason: "source_not_allowed", source: "127.0.0.1"))
    }

    @Test func proxyListenerReadsTheHeaderOnlyFromTrustedProxies() {
        let admission = Admission(allowedSources: [Self.loopback], trustedProxies: [CIDR("127.0.0.5/32")!])
        #expect(admission.atAccept(peer: Self.proxy) == .readProxyHeader)
        #expect(admission.atAccept(peer: Self.client) == .refuse(reason: "untrusted_proxy", source: "127.0.0.1"))
        #expect(
            admission.invalidProxyHeader(peer: Self.proxy) == .refuse(reason: "bad_proxy_header", source: "127.0.0.5"))
    }

    @Test func carriedAddressMustPassAllowSourcesAndLocalHeadersMeanTheProxy() {
        let admission = Admission(
            allowedSources: [.cidr(CIDR("10.0.0.0/8")!)], trustedProxies: [CIDR("127.0.0.5/32")!])
        #expect(
            admission.afterProxyHeader(carrying: Self.outsider, peer: Self.proxy) == .admit(source: Self.outsider))
        #expect(
            admission.afterProxyHeader(carrying: Self.client, peer: Self.proxy)
                == .refuse(reason: "source_not_allowed", source: "127.0.0.1"))
        // LOCAL/UNKNOWN: the proxy itself is the source, and it is not in allow_sources here.
        #expect(
            admission.afterProxyHeader(carrying: nil, peer: Self.proxy)
                == .refuse(reason: "source_not_allowed", source: "127.0.0.5"))
    }
}
