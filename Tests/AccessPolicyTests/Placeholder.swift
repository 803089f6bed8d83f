import Testing
@testable import AccessPolicy

@Test func moduleLoads() {}
