#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a harness reports a broken property: a message on standard error, then `abort()`, which libFuzzer and ASan
/// treat as a crash (the input is saved) and the replay tool's caller sees as a failed run.
enum FuzzCheck {
    /// The replay tool's current corpus file, named when a property breaks (libFuzzer names its own inputs).
    nonisolated(unsafe) static var currentInput: String?

    static func require(
        _ condition: @autoclosure () -> Bool,
        _ message: @autoclosure () -> String,
        file: StaticString = #fileID,
        line: UInt = #line
    ) {
        guard !condition() else { return }
        fail(message(), file: file, line: line)
    }

    static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        let input = currentInput.map { " (input \($0))" } ?? ""
        StandardError.emit("gatehouse-fuzz: property broken at \(file):\(line)\(input): \(message)\n")
        abort()
    }
}
