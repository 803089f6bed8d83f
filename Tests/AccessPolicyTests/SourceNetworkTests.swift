import IPNetwork
import Testing

@testable import AccessPolicy

@Suite("Source networks → aws:SourceVpce / aws:SourceVpc")
struct SourceNetworkTests {
    static let networks = [
        SourceNetwork(id: "vpce-dev", vpc: "vpc-dev", cidrs: [CIDR("127.0.0.0/8")!, CIDR("::1/128")!]),
        SourceNetwork(id: "vpce-app", vpc: "vpc-app", cidrs: [CIDR("10.0.0.0/8")!]),
        SourceNetwork(id: "vpce-db", vpc: nil, cidrs: [CIDR("10.20.0.0/16")!]),
        SourceNetwork(id: "vpce-app-dup", vpc: "vpc-x", cidrs: [CIDR("10.0.0.0/8")!]),
    ]

    @Test func mostSpecificBlockWinsAndFirstWinsTies() {
        #expect(SourceNetwork.containing(IPAddress("10.20.1.1")!, in: Self.networks)?.id == "vpce-db")
        #expect(SourceNetwork.containing(IPAddress("10.30.1.1")!, in: Self.networks)?.id == "vpce-app")
        #expect(SourceNetwork.containing(IPAddress("::1")!, in: Self.networks)?.id == "vpce-dev")
        #expect(SourceNetwork.containing(IPAddress("::ffff:127.0.0.5")!, in: Self.networks)?.id == "vpce-dev")
        #expect(SourceNetwork.containing(IPAddress("192.168.1.1")!, in: Self.networks) == nil)
    }

    @Test func factsTakeTheNetworkOfTheSourceAddress() {
        let facts = RequestFacts(sourceIP: IPAddress("127.0.0.1")!, networks: Self.networks, principalArn: nil)
        #expect(facts.sourceVpce == "vpce-dev")
        #expect(facts.sourceVpc == "vpc-dev")
        let db = RequestFacts(sourceIP: IPAddress("10.20.0.9")!, networks: Self.networks, principalArn: Fixture.alice)
        #expect(db.values(forKey: "aws:SourceVpce") == ["vpce-db"])
        #expect(db.values(forKey: "aws:SourceVpc") == nil)
        let outside = RequestFacts(sourceIP: IPAddress("192.0.2.1")!, networks: Self.networks, principalArn: nil)
        #expect(outside.sourceVpce == nil)
    }
}
