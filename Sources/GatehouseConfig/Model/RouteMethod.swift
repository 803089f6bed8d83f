/// The method part of a route key. `ANY` matches every method.
public enum RouteMethod: String, Hashable, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
    case patch = "PATCH"
    case head = "HEAD"
    case options = "OPTIONS"
    case any = "ANY"

    /// Whether a request with this method (upper case) is matched.
    public func matches(_ method: String) -> Bool {
        self == .any || rawValue == method
    }
}
