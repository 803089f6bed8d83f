import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Acknowledges the client's last handshake flight at once, when the handshake completes.
///
/// A client that leaves Nagle on (ab, Python's `ssl`, many Java and C clients) sends its `Finished` and then its
/// request; Nagle holds the request until the `Finished` is acknowledged. When the server has nothing to send
/// after the client's `Finished`, that acknowledgement waits for the delayed-ACK timer (40 ms or more on Linux;
/// the socket is in "ping-pong" mode since it answered the `ClientHello`), and so does the first answer on every
/// new connection. It happens in every handshake in which the client speaks last:
///
/// - TLS 1.3 with a client certificate: BoringSSL queues the session tickets after the client's `Finished` but
///   sends them only with the first write, so nothing else goes out;
/// - resumed TLS 1.3: the tickets went out with the server's first flight, nothing follows the client's `Finished`;
/// - resumed TLS 1.2 (abbreviated handshake): the server's `Finished` comes first, the client's last.
///
/// Flushing the tickets (a zero-length write) would cure the first case only. Setting `TCP_QUICKACK` makes Linux
/// send the ACK it has scheduled right away (`__tcp_sock_set_quickack`: the pending ACK is pushed when the receive
/// queue is empty, which it is once NIO has read the `Finished`), whatever the TLS version or handshake kind, at the
/// price of one bare ACK segment per connection. Linux does not keep the setting: once the connection goes back
/// to request and answer, its ACKs ride on the answers again.
enum HandshakeAcknowledgement {
    /// Sends the pending ACK on `channel`'s socket now. Best effort: a socket that refuses the option (a closed
    /// one, a platform without it) only keeps the slower behaviour.
    static func acknowledgeNow(_ channel: any Channel) {
        #if os(Linux)
            let option = ChannelOptions.Types.SocketOption(
                level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK)))
            try? channel.syncOptions?.setOption(option, value: 1)
        #endif
    }
}
