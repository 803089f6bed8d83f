import ArgumentParser

/// `--keep-alive` (the default) or `--new-connection`.
enum ConnectionMode: String, EnumerableFlag, Sendable {
    /// Each connection carries request after request (HTTP/1.1 keep-alive): measures request throughput.
    case keepAlive
    /// Every request opens a new connection and closes it after the response: measures full (mutual) TLS
    /// handshakes per second.
    case newConnection

    static func help(for value: ConnectionMode) -> ArgumentHelp? {
        switch value {
        case .keepAlive: "Reuse each connection for request after request (default)."
        case .newConnection: "Open a new connection (full mTLS handshake) for every request."
        }
    }
}
