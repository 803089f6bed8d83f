import Testing
@testable import GatehouseCore

@Test func moduleLoads() {}
