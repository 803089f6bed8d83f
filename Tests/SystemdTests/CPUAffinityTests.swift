import Testing

@testable import Systemd

@Suite struct CPUAffinityTests {
    @Test func countsKernelCPULists() {
        #expect(CPUAffinity.count(cpuList: "0") == 1)
        #expect(CPUAffinity.count(cpuList: " 0-3,6,8-9\n") == 7)
        #expect(CPUAffinity.count(cpuList: "") == nil)
        #expect(CPUAffinity.count(cpuList: "3-1") == nil)
        #expect(CPUAffinity.count(cpuList: "a") == nil)
        #expect(CPUAffinity.count(cpuList: "1-2-3") == nil)
        #expect(CPUAffinity.count(cpuList: " 1 ") == 1)
    }

    @Test func neverExceedsTheFallback() {
        let count = CPUAffinity.usableCoreCount(fallback: 1)
        #expect(count == 1)
    }
}
