/// One fuzzed entry point: a name (the corpus folder under `Tests/Fuzz/Corpus/` and the `--target` value) and a
/// function that runs one input through the product code and checks the properties that must hold for any input.
///
/// A harness reports a broken property with `FuzzCheck.require`, which aborts the process: under libFuzzer that
/// saves the input as a crash, under the replay tool it names the corpus file.
struct FuzzTarget: Sendable {
    let name: String
    /// The longest input worth trying (libFuzzer's `-max_len`); longer inputs only test the parser's loop again.
    let maximumLength: Int
    /// CPU time one input may cost (`GATEHOUSE_FUZZ_SLOW_MS` overrides it for every target).
    var slowInputMilliseconds: Double = 10
    let run: @Sendable (_ input: [UInt8]) -> Void
}
