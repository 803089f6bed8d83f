import NIOCore

/// The `grpc-timeout` request header (gRPC over HTTP/2): up to 8 digits and a unit — `H`ours, `M`inutes, `S`econds,
/// `m`illiseconds, `u` microseconds, `n`anoseconds. The call's deadline is the smaller of it and the integration
/// timeout; the upstream is told the deadline Gatehouse applies.
enum GRPCTimeout {
    static func parse(_ text: Substring) -> TimeAmount? {
        guard let unit = text.last, text.count >= 2, text.count <= 9 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
        switch unit {
        case "H": return .hours(value)
        case "M": return .minutes(value)
        case "S": return .seconds(value)
        case "m": return .milliseconds(value)
        case "u": return .microseconds(value)
        case "n": return .nanoseconds(value)
        default: return nil
        }
    }

    /// The header value for `amount`, in milliseconds (at least 1).
    static func headerValue(_ amount: TimeAmount) -> String {
        "\(max(1, amount.nanoseconds / 1_000_000))m"
    }
}
