#if GATEHOUSE_FUZZING
    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif
    import Foundation

    /// The libFuzzer build (`scripts/fuzz`: `-sanitize=fuzzer,address -DGATEHOUSE_FUZZING`): libFuzzer's driver
    /// calls `LLVMFuzzerTestOneInput` for every input. The target is chosen by `GATEHOUSE_FUZZ_TARGET`;
    /// `GATEHOUSE_FUZZ_TARGET=list` prints each target's name and longest useful input and exits.
    private let selected: FuzzTarget = {
        let environment = ProcessInfo.processInfo.environment
        let name = environment["GATEHOUSE_FUZZ_TARGET"] ?? ""
        if name == "list" {
            for target in FuzzTargets.all { print(target.name, target.maximumLength) }
            exit(0)
        }
        guard let target = FuzzTargets.named(name) else {
            let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
            StandardError.emit("gatehouse-fuzz: set GATEHOUSE_FUZZ_TARGET to one of: \(names), or list\n")
            exit(2)
        }
        return target
    }()

    private let slowInputGuard = SlowInputGuard(environment: ProcessInfo.processInfo.environment)

    /// Inputs run so far; libFuzzer calls the entry point from one thread only.
    nonisolated(unsafe) private var runCount = 0

    /// libFuzzer's driver, exported by its runtime (`libclang_rt.fuzzer`): parses the libFuzzer options in argv and
    /// fuzzes `callback`.
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runLibFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The process entry point. SwiftPM links an executable target with `main` defined as `gatehouse_fuzz_main`
    /// (the target's own entry point, renamed so tests can link the module); with no `@main` in this build, this
    /// function is that symbol and hands control to libFuzzer's driver.
    @_cdecl("gatehouse_fuzz_main")
    public func fuzzMain(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> CInt {
        _ = selected
        var count = argc
        var arguments = argv
        return runLibFuzzerDriver(&count, &arguments, fuzzTestOneInput)
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        guard input.count <= selected.maximumLength else { return -1 }
        slowInputGuard.run(selected, input, runNumber: runCount)
        runCount += 1
        return 0
    }
#endif
