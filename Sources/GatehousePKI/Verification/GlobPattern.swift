/// A string pattern where `*` matches any run of characters (also none) and everything else matches itself.
///
/// Used by `allowed_clients`; kept free of regular expressions so a pattern can never be expensive to evaluate
/// (matching is O(pattern × text) in the worst case, with no backtracking explosion).
struct GlobPattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(Character)
        case wildcard
    }

    let tokens: [Token]

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Every `*` is a wildcard; there is no escape (SAN patterns).
    init(wildcardText text: String) {
        self.tokens = text.map { $0 == "*" ? .wildcard : .literal($0) }
    }

    /// The same pattern with every literal lowercased, for case-insensitive matching against lowercased text.
    var lowercased: GlobPattern {
        GlobPattern(
            tokens: self.tokens.map {
                if case .literal(let character) = $0 { return .literal(Character(character.lowercased())) }
                return $0
            }
        )
    }

    /// Whether the whole of `text` matches.
    func matches(_ text: String) -> Bool {
        let characters = Array(text)
        var textIndex = 0
        var tokenIndex = 0
        var starToken = -1
        var starText = 0
        while textIndex < characters.count {
            if tokenIndex < self.tokens.count, case .literal(let character) = self.tokens[tokenIndex],
                character == characters[textIndex]
            {
                textIndex += 1
                tokenIndex += 1
            } else if tokenIndex < self.tokens.count, self.tokens[tokenIndex] == .wildcard {
                starToken = tokenIndex
                starText = textIndex
                tokenIndex += 1
            } else if starToken >= 0 {
                tokenIndex = starToken + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while tokenIndex < self.tokens.count, self.tokens[tokenIndex] == .wildcard {
            tokenIndex += 1
        }
        return tokenIndex == self.tokens.count
    }
}
