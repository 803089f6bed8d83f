/// One segment of a route path.
public enum RouteKeySegment: Hashable, Sendable, CustomStringConvertible {
    /// Matches exactly this text.
    case literal(String)
    /// `{name}`: matches any one non-empty segment.
    case parameter(String)
    /// `{name+}`: matches the rest of the path (one or more segments); only ever last.
    case greedy(String)

    public var description: String {
        switch self {
        case .literal(let text): return text
        case .parameter(let name): return "{\(name)}"
        case .greedy(let name): return "{\(name)+}"
        }
    }
}
