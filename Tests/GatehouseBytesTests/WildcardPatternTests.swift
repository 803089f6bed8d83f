import GatehouseBytes
import Testing

@Suite struct WildcardPatternTests {
    /// (pattern, text, matches) with `*` and `?` as wildcards, case-sensitive.
    static let table: [(String, String, Bool)] = [
        ("", "", true),
        ("", "a", false),
        ("*", "", true),
        ("*", "anything/at:all", true),
        ("**", "", true),
        ("?", "", false),
        ("?", "a", true),
        ("?", "ab", false),
        ("?", "é", true),
        ("??", "é", false),
        ("?", "€", true),
        ("a?c", "a€c", true),
        ("abc", "abc", true),
        ("abc", "abd", false),
        ("abc", "ABC", false),
        ("abc", "abcd", false),
        ("a*", "a", true),
        ("a*", "abc", true),
        ("a*", "ba", false),
        ("*a", "ba", true),
        ("*a", "ab", false),
        ("a*c", "ac", true),
        ("a*c", "abbbc", true),
        ("a*c", "abbbcd", false),
        ("a*b*c", "abc", true),
        ("a*b*c", "acbc", true),
        ("a*b*c", "acb", false),
        ("*ab*ab*", "abab", true),
        ("*ab*ab*", "aba", false),
        ("*aab", "aaab", true),
        ("*a?b*", "xaxbx", true),
        ("*a?b", "ab", false),
        ("a*a", "a", false),
        ("a*a", "aa", true),
        ("*?", "", false),
        ("*?*", "é", true),
        ("?*?", "ab", true),
        ("?*?", "a", false),
        ("arn:aws:execute-api:*:*:api/*/GET/*", "arn:aws:execute-api:us-east-1:1:api/prod/GET/x", true),
        ("arn:aws:execute-api:*:*:api/*/GET/*", "arn:aws:execute-api:us-east-1:1:api/prod/POST/x", false),
        ("execute-api:/*", "execute-api:/prod/GET/", true),
        ("a.c", "abc", false),
        ("*.svc.internal", "orders.svc.internal", true),
        ("*.svc.internal", "orders.svc.internal.evil", false),
    ]

    @Test func semanticsTable() {
        for (pattern, text, expected) in Self.table {
            #expect(WildcardPattern(pattern).matches(text) == expected, "\"\(pattern)\" ~ \"\(text)\"")
            #expect(Reference.matches(pattern, text) == expected, "reference: \"\(pattern)\" ~ \"\(text)\"")
        }
    }

    @Test func caseInsensitiveFoldsASCIIOnly() {
        #expect(WildcardPattern("US-*", caseInsensitive: true).matches("us-east-1"))
        #expect(WildcardPattern("us-*", caseInsensitive: true).matches("US-EAST-1"))
        #expect(WildcardPattern("execute-api:Invoke", caseInsensitive: true).matches("EXECUTE-API:invoke"))
        #expect(!WildcardPattern("É*", caseInsensitive: true).matches("é"))
        #expect(!WildcardPattern("US-*").matches("us-east-1"))
    }

    @Test func literalModes() {
        #expect(WildcardPattern("a*b", wildcards: false).matches("a*b"))
        #expect(!WildcardPattern("a*b", wildcards: false).matches("axb"))
        #expect(!WildcardPattern("a?b", wildcards: false).matches("axb"))
        #expect(WildcardPattern("a?b*", questionMark: false).matches("a?bc"))
        #expect(!WildcardPattern("a?b*", questionMark: false).matches("axbc"))
        #expect(WildcardPattern(tokens: [.byte(0x2a)], caseInsensitive: false).matches("*"))
        #expect(!WildcardPattern(tokens: [.byte(0x2a)], caseInsensitive: false).matches("x"))
    }

    @Test func everythingAndEquality() {
        #expect(WildcardPattern("*").matchesEverything)
        #expect(WildcardPattern("***").matchesEverything)
        #expect(!WildcardPattern("*a").matchesEverything)
        #expect(WildcardPattern("a**b") == WildcardPattern("a*b"))
        #expect(WildcardPattern("A*", caseInsensitive: true) == WildcardPattern("a*", caseInsensitive: true))
        #expect(WildcardPattern("a*") != WildcardPattern("a*", caseInsensitive: true))
    }

    /// Random patterns and texts over a small alphabet (so that matches are common), ASCII and multi-byte,
    /// compared with a dynamic-programming reference, in both case modes.
    @Test func agreesWithReferenceOnRandomInput() {
        var generator = SplitMix(seed: 0x5eed_1234)
        let patternAlphabet: [Character] = ["a", "b", "A", "é", "€", "*", "*", "?"]
        let textAlphabet: [Character] = ["a", "b", "A", "B", "é", "€"]
        var matched = 0
        for round in 0..<20_000 {
            let pattern = String(
                (0..<Int(generator.next() % 9)).map { _ in
                    patternAlphabet[Int(generator.next() % UInt64(patternAlphabet.count))]
                })
            let text = String(
                (0..<Int(generator.next() % 11)).map { _ in
                    textAlphabet[Int(generator.next() % UInt64(textAlphabet.count))]
                })
            let caseInsensitive = round % 2 == 1
            let expected = Reference.matches(pattern, text, caseInsensitive: caseInsensitive)
            if expected { matched += 1 }
            #expect(
                WildcardPattern(pattern, caseInsensitive: caseInsensitive).matches(text) == expected,
                "\"\(pattern)\" ~ \"\(text)\" caseInsensitive=\(caseInsensitive)")
        }
        #expect(matched > 1_000, "the random cases exercise matches, not only misses")
    }

    /// A pattern of 10,000 `*a` pieces against 30 `a`s: a backtracking matcher tries every way of placing the
    /// pieces (about 2^30 steps, minutes); the greedy matcher answers in microseconds.
    @Test func manyStarsAreLinear() {
        let pattern = WildcardPattern(String(repeating: "*a", count: 10_000), caseInsensitive: true)
        let texts = [String(repeating: "a", count: 30), String(repeating: "ab", count: 15)]
        let clock = ContinuousClock()
        for text in texts {
            let elapsed = clock.measure {
                #expect(!pattern.matches(text))
            }
            #expect(elapsed < .milliseconds(50), "\(elapsed)")
        }
        let long = String(repeating: "a", count: 20_000)
        let elapsed = clock.measure {
            #expect(pattern.matches(long))
            #expect(!WildcardPattern(String(repeating: "*a", count: 1_000) + "*b").matches(long))
        }
        #expect(elapsed < .milliseconds(500), "\(elapsed)")
    }
}

/// The obvious O(text × pattern) dynamic program over Unicode scalars, as the reference semantics.
private enum Reference {
    static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool = false) -> Bool {
        func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
            guard caseInsensitive, ("A"..."Z").contains(scalar) else { return scalar }
            return Unicode.Scalar(scalar.value + 0x20)!
        }
        let pattern = Array(pattern.unicodeScalars)
        let text = Array(text.unicodeScalars)
        // row[j]: pattern[..<i] matches text[..<j].
        var row = [Bool](repeating: false, count: text.count + 1)
        row[0] = true
        for element in pattern {
            var next = [Bool](repeating: false, count: text.count + 1)
            for j in 0...text.count {
                switch element {
                case "*": next[j] = row[j] || (j > 0 && next[j - 1])
                case "?": next[j] = j > 0 && row[j - 1]
                default: next[j] = j > 0 && row[j - 1] && fold(element) == fold(text[j - 1])
                }
            }
            row = next
        }
        return row[text.count]
    }
}

/// A seeded generator, so a failure reproduces.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
