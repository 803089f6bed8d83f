import Foundation
import GatehouseBytes

/// A policy string value (a `Resource` component or a condition value) that may contain IAM policy variables
/// (`${aws:PrincipalArn}`, `${aws:PrincipalTag/team, 'none'}`, and the escapes `${*}`, `${?}`, `${$}`).
///
/// Without variables it is compiled to a `WildcardPattern` once. With variables the literal parts are kept
/// compiled and each request's values are spliced in as literal text, never as wildcards: a caller-controlled
/// value such as `aws:UserAgent` = `*` cannot widen a match.
struct StringPattern: Sendable {
    enum Part: Sendable {
        /// Policy text: its `*`/`?` are wildcards when the operator allows them.
        case text(String)
        /// Text that is always literal (`${*}` and friends).
        case literal(String)
        case variable(ContextKey, default: String?)
    }

    private let fixed: WildcardPattern?
    private let parts: [Part]
    let caseInsensitive: Bool
    let wildcards: Bool
    /// The value as written in the policy.
    let source: String

    /// - Parameter variables: substitute `${...}` (policy Version 2012-10-17); otherwise the text is literal.
    /// - Throws: a message when a `${...}` is malformed or names an unsupported key.
    init(_ source: String, caseInsensitive: Bool, wildcards: Bool, variables: Bool) throws(PatternError) {
        self.source = source
        self.caseInsensitive = caseInsensitive
        self.wildcards = wildcards
        let parts = variables ? try Self.split(source) : [.text(source)]
        var allText = true
        for part in parts {
            if case .variable = part { allText = false }
        }
        if allText {
            self.fixed = WildcardPattern(
                tokens: Self.tokens(parts, facts: nil, wildcards: wildcards) ?? [], caseInsensitive: caseInsensitive)
            self.parts = []
        } else {
            self.fixed = nil
            self.parts = parts
        }
    }

    /// True when the pattern is a bare `*` that matches anything.
    var matchesEverything: Bool { fixed?.matchesEverything ?? false }

    /// The compiled pattern for this request, or nil when a variable has no value and no default.
    @inline(__always)
    func resolve(_ facts: RequestFacts) -> WildcardPattern? {
        if let fixed { return fixed }
        guard let tokens = Self.tokens(parts, facts: facts, wildcards: wildcards) else { return nil }
        return WildcardPattern(tokens: tokens, caseInsensitive: caseInsensitive)
    }

    func matches(_ subject: String, _ facts: RequestFacts) -> Bool {
        resolve(facts)?.matches(subject) ?? false
    }

    /// The pattern's tokens; the pattern folds case itself when it is case-insensitive.
    private static func tokens(_ parts: [Part], facts: RequestFacts?, wildcards: Bool) -> [WildcardPattern.Token]? {
        var tokens: [WildcardPattern.Token] = []
        func appendLiteral(_ text: String) {
            for byte in text.utf8 { tokens.append(.byte(byte)) }
        }
        for part in parts {
            switch part {
            case .text(let text):
                for byte in text.utf8 {
                    if wildcards && byte == UInt8(ascii: "*") {
                        tokens.append(.star)
                    } else if wildcards && byte == UInt8(ascii: "?") {
                        tokens.append(.one)
                    } else {
                        tokens.append(.byte(byte))
                    }
                }
            case .literal(let text):
                appendLiteral(text)
            case .variable(let key, let defaultValue):
                guard let facts else { return nil }
                if let values = facts.lookup(key).texts, values.count == 1 {
                    appendLiteral(values[0])
                } else if let defaultValue {
                    appendLiteral(defaultValue)
                } else {
                    return nil
                }
            }
        }
        return tokens
    }

    /// Splits `source` into text and `${...}` parts.
    private static func split(_ source: String) throws(PatternError) -> [Part] {
        var parts: [Part] = []
        var rest = Substring(source)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw PatternError("unterminated policy variable in \"\(source)\"")
            }
            let body = rest[start.upperBound..<end]
            parts.append(try variable(body, in: source))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    private static func variable(_ body: Substring, in source: String) throws(PatternError) -> Part {
        switch body {
        case "*": return .literal("*")
        case "?": return .literal("?")
        case "$": return .literal("$")
        default: break
        }
        var name = body
        var defaultValue: String?
        if let comma = body.firstIndex(of: ",") {
            name = body[..<comma]
            let rawDefault = body[body.index(after: comma)...].trimmingSpaces()
            guard rawDefault.count >= 2, rawDefault.first == "'", rawDefault.last == "'" else {
                throw PatternError("policy variable default must be quoted as 'value' in \"\(source)\"")
            }
            defaultValue = String(rawDefault.dropFirst().dropLast())
        }
        let keyName = String(name.trimmingSpaces())
        guard let key = ContextKey(keyName) else {
            throw PatternError(
                "policy variable \"${\(keyName)}\" names an unsupported key (supported: \(ContextKey.supportedNames))")
        }
        return .variable(key, default: defaultValue)
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
