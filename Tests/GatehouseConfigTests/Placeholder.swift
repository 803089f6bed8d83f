import Testing
@testable import GatehouseConfig

@Test func moduleLoads() {}
