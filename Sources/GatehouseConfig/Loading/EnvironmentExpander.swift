/// Replaces `${NAME}` in configuration strings with environment variables.
///
/// Only names shaped like environment variables (`[A-Za-z_][A-Za-z0-9_]*`) are references. Anything else in
/// `${...}` is left as written, so `${stageVariables.backend}` (expanded per stage later) and IAM policy variables
/// such as `${aws:username}` pass through untouched.
struct EnvironmentExpander {
    /// Why a string could not be expanded.
    enum Failure: Hashable {
        case unset(name: String)
        case unterminated
    }

    let environment: [String: String]

    /// The expanded text, and every failure found in it (the text is only meaningful when there are none).
    func expand(_ text: String) -> (text: String, failures: [Failure]) {
        guard text.contains("${") else {
            return (text, [])
        }
        var output = ""
        var failures: [Failure] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                failures.append(.unterminated)
                output += rest[start.lowerBound...]
                rest = ""
                break
            }
            let name = String(afterOpen[..<close])
            if Self.isEnvironmentName(name) {
                if let value = environment[name] {
                    output += value
                } else {
                    failures.append(.unset(name: name))
                }
            } else {
                output += rest[start.lowerBound...close]
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        output += rest
        return (output, failures)
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }
}
