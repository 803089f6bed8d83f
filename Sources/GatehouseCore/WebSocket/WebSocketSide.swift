/// One leg of a WebSocket tunnel: the client's connection, or the upstream's.
enum WebSocketSide: Sendable {
    case client
    case upstream

    var peer: WebSocketSide {
        switch self {
        case .client: .upstream
        case .upstream: .client
        }
    }

    /// The access log's and the close log line's name for it.
    var name: String {
        switch self {
        case .client: "client"
        case .upstream: "upstream"
        }
    }
}
