import GatehouseBytes

/// An ARN pattern matched the way IAM's `ArnLike` and the `Resource` element do: the six colon-separated
/// components (`arn:partition:service:region:account:resource`) are compared one by one, so a wildcard never
/// spans a colon between them (the resource part itself may contain colons). Case-sensitive.
struct ARNPattern: Sendable {
    /// nil when the pattern is the bare `*` (any ARN).
    private let components: [StringPattern]?
    let source: String

    /// - Throws: when `text` is neither `*` nor an ARN with six components, or has a bad policy variable.
    init(_ text: String, variables: Bool) throws(PatternError) {
        self.source = text
        if text == "*" {
            components = nil
            return
        }
        let parts = Self.components(of: text, variables: variables)
        guard parts.count == 6, parts[0] == "arn" else {
            throw PatternError("\"\(text)\" is not an ARN (arn:partition:service:region:account:resource) or \"*\"")
        }
        var components: [StringPattern] = []
        for part in parts {
            components.append(
                try StringPattern(
                    String(part), caseInsensitive: false, wildcards: true,
                    variables: variables))
        }
        self.components = components
    }

    var matchesEverything: Bool { components == nil }

    /// Splits at the first five colons that are not inside a `${...}` policy variable.
    private static func components(of text: String, variables: Bool) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var inVariable = false
        while index < text.endIndex, parts.count < 5 {
            let character = text[index]
            if variables, character == "$", text[index...].hasPrefix("${") {
                inVariable = true
            } else if inVariable, character == "}" {
                inVariable = false
            } else if !inVariable, character == ":" {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start...])
        return parts
    }

    func matches(_ arn: String, _ facts: RequestFacts) -> Bool {
        guard let components else { return true }
        var arn = arn
        return arn.withUTF8 { buffer in
            var start = 0
            for index in 0..<6 {
                var end = start
                if index < 5 {
                    while end < buffer.count, buffer[end] != UInt8(ascii: ":") { end += 1 }
                    guard end < buffer.count else { return false }
                } else {
                    end = buffer.count
                }
                guard let pattern = components[index].resolve(facts),
                    pattern.matches(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                else { return false }
                start = end + 1
            }
            return true
        }
    }
}
