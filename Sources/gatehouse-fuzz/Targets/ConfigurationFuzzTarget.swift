import Foundation
import GatehouseConfig

/// The YAML configuration loader: YAML composition, every reader and the validation, with the files a
/// configuration names present (placeholder certificates and keys, a secret, a policy) in a scratch folder.
///
/// Properties: a refused configuration names at least one problem, each with a message and a position inside the
/// text when it has one; a loaded configuration loads again the same way.
enum ConfigurationFuzzTarget {
    /// 50 ms, not 10: the configuration is the operator's, read at start and reload, never a client's; and YAML
    /// scanning (Yams, instrumented by ASan like everything here) takes 6–10 ms for some 0.5 KB garbage inputs
    /// (`Corpus/config/slow-yaml-garbage`, found by this target at 10 ms).
    static let target = FuzzTarget(name: "config", maximumLength: 8192, slowInputMilliseconds: 50, run: run)

    static let lineBreaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]

    static let environment = ["GATEHOUSE_FUZZ_SECRET": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "EMPTY": ""]

    /// The folder configurations are loaded from, made once per process.
    static let folder: String = {
        let process = ProcessInfo.processInfo.processIdentifier
        let folder = FileManager.default.temporaryDirectory.path + "/gatehouse-fuzz-config-\(process)"
        let files = [
            "certs/dev/server.pem": "-----BEGIN PLACEHOLDER-----\n",
            "certs/dev/server-key.pem": "-----BEGIN PLACEHOLDER-----\n",
            "certs/dev/ca.pem": "-----BEGIN PLACEHOLDER-----\n",
            "certs/dev/crl.pem": "-----BEGIN PLACEHOLDER-----\n",
            "certs/dev/AKIDEXAMPLE.secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
            "policies/orders.json":
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","#
                + #""Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#,
        ]
        for (path, text) in files {
            let url = URL(fileURLWithPath: folder + "/" + path)
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: url)
        }
        return folder
    }()

    /// The product call, kept to these lines so a change of the loader's API is adapted here alone.
    static func load(_ text: String) -> Result<GatewayConfiguration, ConfigurationProblems> {
        ConfigurationLoader.load(
            text: text, file: folder + "/gatehouse.yaml", baseDirectory: folder, environment: environment)
    }

    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        switch load(text) {
        case .success:
            guard case .success = load(text) else { FuzzCheck.fail("loaded once, refused the second time") }
        case .failure(let problems):
            FuzzCheck.require(!problems.problems.isEmpty, "refused without naming a problem")
            // YAML breaks lines at LF, CR, NEL, LS and PS: counting each gives an upper bound.
            let lineCount = 1 + text.unicodeScalars.count(where: { lineBreaks.contains($0) })
            for problem in problems.problems {
                FuzzCheck.require(!problem.message.isEmpty, "a problem without a message")
                if let line = problem.line {
                    FuzzCheck.require(line >= 1 && line <= lineCount + 1, "\(problem) is outside \(lineCount) lines")
                }
                if let column = problem.column { FuzzCheck.require(column >= 1, "\(problem) has column \(column)") }
            }
        }
    }
}
