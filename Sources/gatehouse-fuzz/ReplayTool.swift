#if !GATEHOUSE_FUZZING
    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif
    import Foundation

    /// The ordinary build of `gatehouse-fuzz`: replays committed inputs through the same harnesses, without
    /// libFuzzer or sanitizers, so the seed corpora and the regression inputs are checked on every `scripts/test`.
    ///
    ///     gatehouse-fuzz CORPUS_ROOT [TARGET...]   every file in CORPUS_ROOT/TARGET/ (all targets by default)
    ///     gatehouse-fuzz --target TARGET FILE...    the given files
    ///     gatehouse-fuzz --list                     target names and their longest useful input
    ///
    /// A broken property aborts the process naming the file being replayed (exit status non-zero).
    @main
    struct ReplayTool {
        static func main() {
            var arguments = Array(CommandLine.arguments.dropFirst())
            if arguments == ["--list"] {
                for target in FuzzTargets.all { print(target.name, target.maximumLength) }
                return
            }
            if arguments.first == "--target", arguments.count >= 2 {
                guard let target = FuzzTargets.named(arguments[1]) else { usage("unknown target \(arguments[1])") }
                arguments.removeFirst(2)
                let count = arguments.reduce(0) { $0 + replay(target, file: $1) }
                print("gatehouse-fuzz: \(target.name): \(count) inputs replayed, all properties held")
                return
            }
            guard let root = arguments.first else { usage("name a corpus folder") }
            let names = arguments.count > 1 ? Array(arguments.dropFirst()) : FuzzTargets.all.map(\.name)
            for name in names {
                guard let target = FuzzTargets.named(name) else { usage("unknown target \(name)") }
                let folder = root + "/" + name
                guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder), !files.isEmpty else {
                    usage("no corpus in \(folder)")
                }
                let count = files.sorted().reduce(0) { $0 + replay(target, file: folder + "/" + $1) }
                print("gatehouse-fuzz: \(name): \(count) inputs replayed, all properties held")
            }
        }

        /// Runs one file through `target`; returns 1 (the count of inputs replayed).
        static func replay(_ target: FuzzTarget, file: String) -> Int {
            guard let data = FileManager.default.contents(atPath: file) else { usage("cannot read \(file)") }
            FuzzCheck.currentInput = file
            // A crash outside the harness's checks (a runtime trap) does not name the input: list them all with
            // GATEHOUSE_FUZZ_VERBOSE=1 to see the last one replayed.
            if ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_VERBOSE"] != nil {
                StandardError.emit("replaying \(file)\n")
            }
            target.run(Array(data))
            return 1
        }

        static func usage(_ problem: String) -> Never {
            StandardError.emit("gatehouse-fuzz: \(problem)\n")
            StandardError.emit("usage: gatehouse-fuzz CORPUS_ROOT [TARGET...] | --target TARGET FILE... | --list\n")
            exit(2)
        }
    }
#endif
