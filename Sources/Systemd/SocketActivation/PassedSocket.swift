#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A socket systemd passed to this process through `LISTEN_FDS`, with the name from `FileDescriptorName=`.
///
/// The name is how the gateway matches it to a configured listener; the local address is what the
/// internal-address rule is checked against.
public struct PassedSocket: Hashable, Sendable, CustomStringConvertible {
    /// The descriptor number (3, 4, ...), already marked close-on-exec. The gateway owns it from now on.
    public let fileDescriptor: Int32
    /// The `FileDescriptorName=` of the socket unit, or the unit's name when that is not set.
    public let name: String
    /// The address the socket is bound to.
    public let localAddress: SocketLocalAddress
    /// Whether this is a stream socket in the listening state, the only kind a listener can adopt.
    public let isListening: Bool

    public init(fileDescriptor: Int32, name: String, localAddress: SocketLocalAddress, isListening: Bool) {
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.localAddress = localAddress
        self.isListening = isListening
    }

    /// Inspects `fileDescriptor` for its local address and listening state.
    public init(fileDescriptor: Int32, name: String) throws {
        self.init(
            fileDescriptor: fileDescriptor,
            name: name,
            localAddress: try SocketLocalAddress(fileDescriptor: fileDescriptor),
            isListening: Self.isListeningStream(fileDescriptor)
        )
    }

    public var description: String {
        "'\(name)' (fd \(fileDescriptor), \(localAddress))"
    }

    private static func isListeningStream(_ fileDescriptor: Int32) -> Bool {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fileDescriptor, SOL_SOCKET, name, &value, &length) == 0 else {
                return nil
            }
            return value
        }
        return option(SO_TYPE) == Int32(SOCK_STREAM.rawValue) && option(SO_ACCEPTCONN) == 1
    }
}
