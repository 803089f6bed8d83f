/// An IAM wildcard pattern (`*` = any run of characters, possibly empty; `?` = exactly one character),
/// compiled once at policy load so matching a request is a byte loop with no allocation.
///
/// Everything else is literal, including `.` (these are not regular expressions). Case-insensitive patterns
/// fold ASCII letters only, which is what IAM action names need.
struct WildcardPattern: Hashable, Sendable {
    enum Token: Hashable, Sendable {
        case byte(UInt8)
        /// `?`: one Unicode scalar.
        case one
        /// `*`: any run, possibly empty.
        case star
    }

    private enum Shape: Hashable, Sendable {
        /// Just `*`.
        case anything
        /// No wildcard at all.
        case exact([UInt8])
        /// Literal text followed by a single trailing `*` (`execute-api:/*`).
        case prefix([UInt8])
        case general([Token])
    }

    private let shape: Shape
    let caseInsensitive: Bool
    /// The pattern as written, for diagnostics.
    let text: String

    /// - Parameter wildcards: when false (StringEquals, ArnEquals-as-literal), `*` and `?` are literal.
    init(_ text: String, caseInsensitive: Bool = false, wildcards: Bool = true) {
        self.text = text
        self.caseInsensitive = caseInsensitive
        var tokens: [Token] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "*") where wildcards:
                if tokens.last != .star { tokens.append(.star) }
            case UInt8(ascii: "?") where wildcards:
                tokens.append(.one)
            default:
                tokens.append(.byte(caseInsensitive ? Self.fold(byte) : byte))
            }
        }
        self.shape = Self.shape(of: tokens)
    }

    init(tokens: [Token], caseInsensitive: Bool, text: String) {
        self.text = text
        self.caseInsensitive = caseInsensitive
        self.shape = Self.shape(of: tokens)
    }

    private static func shape(of tokens: [Token]) -> Shape {
        if tokens == [.star] { return .anything }
        var literal: [UInt8] = []
        literal.reserveCapacity(tokens.count)
        for (offset, token) in tokens.enumerated() {
            switch token {
            case .byte(let byte): literal.append(byte)
            case .star where offset == tokens.count - 1: return .prefix(literal)
            case .star, .one: return .general(tokens)
            }
        }
        return .exact(literal)
    }

    /// True when the pattern is exactly `*`.
    var matchesEverything: Bool { shape == .anything }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    func matches(_ subject: String) -> Bool {
        if case .anything = shape { return true }
        var subject = subject
        return subject.withUTF8 { matches($0) }
    }

    func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .anything:
            return true
        case .exact(let literal):
            return subject.count == literal.count && hasPrefix(subject, literal)
        case .prefix(let literal):
            return subject.count >= literal.count && hasPrefix(subject, literal)
        case .general(let tokens):
            return matchGeneral(tokens, subject)
        }
    }

    private func hasPrefix(_ subject: UnsafeBufferPointer<UInt8>, _ literal: [UInt8]) -> Bool {
        if caseInsensitive {
            for offset in 0..<literal.count where Self.fold(subject[offset]) != literal[offset] { return false }
        } else {
            for offset in 0..<literal.count where subject[offset] != literal[offset] { return false }
        }
        return true
    }

    /// Classic linear-space glob match with single-star backtracking: O(n·m) worst case, linear in practice.
    private func matchGeneral(_ tokens: [Token], _ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        var tokenIndex = 0
        var subjectIndex = 0
        var starToken = -1
        var starSubject = 0
        while subjectIndex < subject.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .star:
                    starToken = tokenIndex
                    starSubject = subjectIndex
                    tokenIndex += 1
                    continue
                case .one:
                    subjectIndex = Self.nextScalar(subject, after: subjectIndex)
                    tokenIndex += 1
                    continue
                case .byte(let byte):
                    let actual = caseInsensitive ? Self.fold(subject[subjectIndex]) : subject[subjectIndex]
                    if actual == byte {
                        subjectIndex += 1
                        tokenIndex += 1
                        continue
                    }
                }
            }
            guard starToken >= 0 else { return false }
            starSubject = Self.nextScalar(subject, after: starSubject)
            subjectIndex = starSubject
            tokenIndex = starToken + 1
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .star { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }

    /// Index of the next Unicode scalar (skips UTF-8 continuation bytes) so `?` means one character.
    @inline(__always)
    private static func nextScalar(_ subject: UnsafeBufferPointer<UInt8>, after index: Int) -> Int {
        var next = index + 1
        while next < subject.count, subject[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
