/// An upstream answer Gatehouse refuses to relay: the client gets 502 and the upstream connection is closed, never
/// pooled (contract section 3, "Hostile input"). Distinct from a connection that failed, because an answer that was
/// received but is wrong is never a reason to send the request again.
struct UpstreamProtocolError: Error, Equatable, CustomStringConvertible {
    let description: String

    /// A response the grammar or the framing rules refuse (`ResponseHeadParser`, `UpstreamBodyFraming`,
    /// `ChunkedBodyDecoder`).
    init(_ error: RequestParseError) {
        switch error {
        case .malformed(let message): description = message
        case .headTooLarge: description = "Response head too large"
        case .bodyTooLarge: description = "Response body too large"
        }
    }

    init(description: String) {
        self.description = description
    }

    /// Why a final status cannot be relayed, or nil when it can. Informational answers other than 101 (100, 103)
    /// are skipped by `UpstreamResponseDecoder`, as the client never asked for them. What remains is decided here:
    /// - 101 Switching Protocols: Gatehouse never asks an upstream to switch (it drops `Upgrade` as hop-by-hop), so
    ///   a switch would leave the connection speaking something else — and poison the pool;
    /// - a status outside 100–599, which RFC 9110 §15 does not define.
    static func violation(statusCode code: Int, upgradeRequested: Bool = false) -> UpstreamProtocolError? {
        if code == 101 && !upgradeRequested {
            return UpstreamProtocolError(description: "101 Switching Protocols to a request that did not ask to switch")
        }
        if code < 100 || code > 599 {
            return UpstreamProtocolError(description: "status \(code) is outside 100-599")
        }
        return nil
    }
}
