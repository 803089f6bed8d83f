/// A parsed route key such as `GET /users/{id}` or `ANY /{proxy+}`.
public struct RouteKey: Hashable, Sendable, CustomStringConvertible {
    public let method: RouteMethod
    public let segments: [RouteKeySegment]

    public init(method: RouteMethod, segments: [RouteKeySegment]) {
        self.method = method
        self.segments = segments
    }

    /// The path part, `/users/{id}`.
    public var path: String {
        "/" + segments.map(\.description).joined(separator: "/")
    }

    /// `METHOD /path`, as API Gateway writes route keys (also the `ROUTE_KEY` log field).
    public var description: String {
        "\(method.rawValue) \(path)"
    }

    /// Names of the `{param}` and `{proxy+}` segments.
    public var parameterNames: [String] {
        segments.compactMap {
            switch $0 {
            case .literal: return nil
            case .parameter(let name), .greedy(let name): return name
            }
        }
    }
}
