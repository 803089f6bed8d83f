extension GatewayError {
    /// The error table's answer to a request stream the decoder refused; each one closes the connection.
    init(_ error: RequestParseError) {
        switch error {
        case .malformed(let message): self = .badRequest(message)
        case .headTooLarge: self = .headersTooLarge
        case .bodyTooLarge: self = .requestTooLong
        }
    }
}
