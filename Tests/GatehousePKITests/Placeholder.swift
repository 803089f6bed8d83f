import Testing
@testable import GatehousePKI

@Test func moduleLoads() {}
