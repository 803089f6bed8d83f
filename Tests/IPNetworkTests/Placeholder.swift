import Testing
@testable import IPNetwork

@Test func moduleLoads() {}
