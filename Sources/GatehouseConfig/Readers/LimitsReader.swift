import Yams

/// Reads `limits`, filling in the contract's defaults.
struct LimitsReader {
    static let knownKeys = [
        "max_body_bytes", "max_header_bytes", "header_timeout", "body_timeout", "idle_timeout", "max_connections",
        "websocket_idle_timeout", "max_concurrent_streams", "max_connection_body_bytes",
    ]

    let context: LoadContext

    func read(_ node: Node?) -> Limits? {
        guard let node else {
            return .defaults
        }
        guard let fields = context.fields(of: node, owner: "in \"limits\"", known: Self.knownKeys) else {
            return nil
        }
        let defaults = Limits.defaults
        let maxBody = context.integer(
            fields, "max_body_bytes", default: defaults.maxBodyBytes, range: 0...Int(Int64.max))
        let maxHeader = context.integer(
            fields, "max_header_bytes", default: defaults.maxHeaderBytes, range: 1024...16_777_216)
        let headerTimeout = context.integer(fields, "header_timeout", default: 10, range: 1...3600)
        let bodyTimeout = context.integer(fields, "body_timeout", default: 30, range: 1...3600)
        let idleTimeout = context.integer(fields, "idle_timeout", default: 60, range: 1...86400)
        let maxConnections = context.integer(
            fields, "max_connections", default: defaults.maxConnections, range: 1...1_000_000)
        let websocketIdle = context.integer(fields, "websocket_idle_timeout", default: 300, range: 1...86400)
        let maxStreams = context.integer(
            fields, "max_concurrent_streams", default: defaults.maxConcurrentStreams, range: 1...10000)
        let maxConnectionBody = context.integer(
            fields, "max_connection_body_bytes",
            default: Limits.defaultConnectionBodyBytes(maxBodyBytes: maxBody ?? defaults.maxBodyBytes),
            range: 0...Int(Int64.max))
        guard let maxBody, let maxHeader, let headerTimeout, let bodyTimeout, let idleTimeout, let maxConnections,
            let websocketIdle, let maxStreams, let maxConnectionBody
        else {
            return nil
        }
        return Limits(
            maxBodyBytes: maxBody,
            maxHeaderBytes: maxHeader,
            headerTimeout: .seconds(headerTimeout),
            bodyTimeout: .seconds(bodyTimeout),
            idleTimeout: .seconds(idleTimeout),
            maxConnections: maxConnections,
            websocketIdleTimeout: .seconds(websocketIdle),
            maxConcurrentStreams: maxStreams,
            maxConnectionBodyBytes: maxConnectionBody
        )
    }
}
