import Foundation

/// A `Sec-WebSocket-Key` for the upstream's opening handshake when the client's was an RFC 8441 CONNECT (which has
/// none): 16 random bytes, base64 (RFC 6455 §4.1).
enum WebSocketConnectKey {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }
}
