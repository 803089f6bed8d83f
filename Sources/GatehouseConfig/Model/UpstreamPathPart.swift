/// A piece of an integration URI's path template.
public enum UpstreamPathPart: Hashable, Sendable {
    /// Sent as written.
    case literal(String)
    /// `{name}`: replaced by the route's `{name}` segment.
    case parameter(String)
    /// `{proxy}` (or `{proxy+}`): replaced by the rest of the path matched by the route's `{proxy+}`.
    case greedy(String)
}
