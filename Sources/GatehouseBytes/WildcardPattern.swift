/// The one wildcard matcher: `*` matches any run of characters (also none), `?` exactly one Unicode scalar, every
/// other byte itself (these are not regular expressions: `.` is a dot). Used by IAM policies (`Resource`,
/// `StringLike`, `ArnLike`, actions), SigV4a region sets and `allowed_clients`.
///
/// Matching never backtracks, so a hostile pattern or text costs at most O(text × pattern) and no recursion: the
/// literal segments between `*`s are placed greedily, each at its leftmost occurrence after the one before, with
/// the first segment anchored at the start and the last at the end. Leftmost placement is always safe, because a
/// segment has a fixed length in scalars: an earlier occurrence ends earlier and leaves more room for the rest.
///
/// Case-insensitive patterns fold ASCII letters only (IAM action names, DNS names, region names); other bytes,
/// UTF-8 included, compare exactly.
public struct WildcardPattern: Sendable, Hashable {
    public enum Token: Sendable, Hashable {
        /// A literal byte (already folded to lowercase when the pattern is case-insensitive).
        case byte(UInt8)
        /// `?`: exactly one Unicode scalar.
        case one
        /// `*`: any run, possibly empty.
        case star
    }

    /// The pattern's tokens, with runs of `*` collapsed to one.
    public let tokens: [Token]
    public let caseInsensitive: Bool
    /// The index of the first and of the last `*`, nil when there is none.
    private let stars: (first: Int, last: Int)?

    /// Compiles `text`. With `wildcards` false every byte is literal (`StringEquals`); with `questionMark` false only
    /// `*` is a wildcard and `?` is literal (region sets, `allowed_clients`).
    public init(
        _ text: some StringProtocol, caseInsensitive: Bool = false, wildcards: Bool = true,
        questionMark: Bool = true
    ) {
        var tokens: [Token] = []
        tokens.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if wildcards && byte == ASCII.star {
                tokens.append(.star)
            } else if wildcards && questionMark && byte == ASCII.questionMark {
                tokens.append(.one)
            } else {
                tokens.append(.byte(byte))
            }
        }
        self.init(tokens: tokens, caseInsensitive: caseInsensitive)
    }

    /// A pattern from tokens built elsewhere (escaped literals, substituted variables); literal bytes are folded
    /// here when `caseInsensitive`.
    public init(tokens: [Token], caseInsensitive: Bool) {
        var compiled: [Token] = []
        compiled.reserveCapacity(tokens.count)
        var first: Int?
        var last = 0
        for token in tokens {
            switch token {
            case .star:
                if compiled.last == .star { continue }
                if first == nil { first = compiled.count }
                last = compiled.count
                compiled.append(.star)
            case .one:
                compiled.append(.one)
            case .byte(let byte):
                compiled.append(.byte(caseInsensitive ? ASCII.lowercased(byte) : byte))
            }
        }
        self.tokens = compiled
        self.caseInsensitive = caseInsensitive
        self.stars = first.map { ($0, last) }
    }

    public static func == (lhs: WildcardPattern, rhs: WildcardPattern) -> Bool {
        lhs.tokens == rhs.tokens && lhs.caseInsensitive == rhs.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokens)
        hasher.combine(caseInsensitive)
    }

    /// True when the pattern is exactly `*`, which matches anything.
    public var matchesEverything: Bool { tokens.count == 1 && tokens[0] == .star }

    /// Whether the whole of `subject` matches.
    public func matches(_ subject: some StringProtocol) -> Bool {
        if matchesEverything { return true }
        if let result = subject.utf8.withContiguousStorageIfAvailable({ matches($0) }) { return result }
        var copy = String(subject)
        return copy.withUTF8 { matches($0) }
    }

    /// Whether the whole of `subject` (UTF-8) matches.
    public func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        tokens.withUnsafeBufferPointer { tokens in
            guard let stars else {
                return forward(tokens, 0..<tokens.count, subject, at: 0, limit: subject.count) == subject.count
            }
            guard let afterPrefix = forward(tokens, 0..<stars.first, subject, at: 0, limit: subject.count),
                let suffixStart = backward(
                    tokens, (stars.last + 1)..<tokens.count, subject, end: subject.count, limit: afterPrefix)
            else { return false }
            var position = afterPrefix
            var segmentStart = stars.first + 1
            while segmentStart <= stars.last {
                var segmentEnd = segmentStart
                while tokens[segmentEnd] != .star { segmentEnd += 1 }
                if segmentEnd > segmentStart {
                    guard
                        let end = leftmost(
                            tokens, segmentStart..<segmentEnd, subject, from: position, limit: suffixStart)
                    else { return false }
                    position = end
                }
                segmentStart = segmentEnd + 1
            }
            return true
        }
    }

    /// The end of `segment` (no `*` in it) matched from `start` on, within `start..<limit`; nil when it does not
    /// match.
    @inline(__always)
    private func forward(
        _ tokens: UnsafeBufferPointer<Token>, _ segment: Range<Int>, _ subject: UnsafeBufferPointer<UInt8>,
        at start: Int, limit: Int
    ) -> Int? {
        walk(tokens, segment, subject, from: start, limit: limit, step: 1)
    }

    /// The start of `segment` matched so that it ends at `end`, within `limit..<end`; nil when it does not match.
    private func backward(
        _ tokens: UnsafeBufferPointer<Token>, _ segment: Range<Int>, _ subject: UnsafeBufferPointer<UInt8>,
        end: Int, limit: Int
    ) -> Int? {
        walk(tokens, segment, subject, from: end, limit: limit, step: -1)
    }

    /// Walks `segment` over `subject` from `start` towards `limit`: forward (`step` 1, token by token from the first)
    /// or backward (`step` -1, from the last token, each byte read just before the position). Returns where it stops.
    @inline(__always)
    private func walk(
        _ tokens: UnsafeBufferPointer<Token>, _ segment: Range<Int>, _ subject: UnsafeBufferPointer<UInt8>,
        from start: Int, limit: Int, step: Int
    ) -> Int? {
        var position = start
        var index = step > 0 ? segment.lowerBound : segment.upperBound - 1
        // The byte a token reads: at the position going forward, just before it going backward.
        let lookBehind = step > 0 ? 0 : -1
        while index >= segment.lowerBound && index < segment.upperBound {
            guard step > 0 ? position < limit : position > limit else { return nil }
            switch tokens[index] {
            case .byte(let byte):
                let actual = subject[position + lookBehind]
                guard (caseInsensitive ? ASCII.lowercased(actual) : actual) == byte else { return nil }
                position += step
            case .one:
                // One whole scalar: skip its UTF-8 continuation bytes.
                position += step
                while position != limit, position < subject.count, subject[position] & 0xC0 == 0x80 {
                    position += step
                }
            case .star:
                preconditionFailure("a segment holds no star")
            }
            index += step
        }
        return position
    }

    /// The end of the leftmost occurrence of `segment` starting at or after `from` and ending by `limit`.
    private func leftmost(
        _ tokens: UnsafeBufferPointer<Token>, _ segment: Range<Int>, _ subject: UnsafeBufferPointer<UInt8>,
        from: Int, limit: Int
    ) -> Int? {
        var start = from
        while start < limit {
            if let end = forward(tokens, segment, subject, at: start, limit: limit) { return end }
            start = Self.nextScalar(subject, after: start, limit: limit)
        }
        return nil
    }

    /// The index of the next Unicode scalar (skipping UTF-8 continuation bytes), so `?` means one character.
    @inline(__always)
    private static func nextScalar(_ subject: UnsafeBufferPointer<UInt8>, after index: Int, limit: Int) -> Int {
        var next = index + 1
        while next < limit, subject[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
