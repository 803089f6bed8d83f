import Testing
@testable import SigV4

@Test func moduleLoads() {}
