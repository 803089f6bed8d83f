import NIOCore

/// Where a data listener gets its socket: bound by Gatehouse, or passed by systemd (socket activation).
public enum ListenerSocket: Sendable {
    case bind(SocketAddress)
    /// A listening socket file descriptor inherited from systemd.
    case inherited(descriptor: CInt)
}
