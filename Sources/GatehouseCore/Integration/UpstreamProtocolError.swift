import NIOHTTP1

/// An upstream answer Gatehouse refuses to relay: the client gets 502 and the upstream connection is closed, never
/// pooled (contract section 3, "Hostile input"). Distinct from a connection that failed, because an answer that was
/// received but is wrong is never a reason to send the request again.
struct UpstreamProtocolError: Error, Equatable, CustomStringConvertible {
    let description: String

    /// Why a response head cannot be relayed, or nil when it can. The decoder (llhttp, strict) has already refused a
    /// malformed status line or field, an invalid or repeated `Content-Length`, `Content-Length` together with
    /// `Transfer-Encoding` and a bad chunk; informational answers other than 101 (100, 103) are skipped by it, as the
    /// client never asked for them. What remains is decided here:
    /// - 101 Switching Protocols: Gatehouse never asks an upstream to switch (it drops `Upgrade` as hop-by-hop), so
    ///   a switch would leave the connection speaking something else — and poison the pool;
    /// - a status outside 100–599, which RFC 9110 §15 does not define.
    static func violation(in head: HTTPResponseHead, upgradeRequested: Bool = false) -> UpstreamProtocolError? {
        let code = head.status.code
        if code == 101 && !upgradeRequested {
            return UpstreamProtocolError(description: "101 Switching Protocols to a request that did not ask to switch")
        }
        if code < 100 || code > 599 {
            return UpstreamProtocolError(description: "status \(code) is outside 100-599")
        }
        return nil
    }
}
