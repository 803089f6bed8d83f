#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The local address a socket is bound to, as `getsockname` reports it.
///
/// The gateway refuses non-internal addresses at start (contract section 6) for passed sockets too, so it needs the
/// address systemd actually bound, not the one the configuration file names.
public enum SocketLocalAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 or IPv6 address in its textual form (no brackets, `%scope` appended for scoped IPv6) and its port.
    case ip(host: String, port: Int)
    /// A unix socket path; abstract sockets are written with a leading `@`, as systemd writes them.
    case unix(path: String)
    /// Any other address family (netlink, vsock, ...), which the gateway does not serve on.
    case other(family: Int32)

    /// Reads the local address of `fileDescriptor`.
    public init(fileDescriptor: Int32) throws {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fileDescriptor, $0, &length) }
        }
        guard result == 0 else {
            throw SystemdError.localAddress(fileDescriptor: fileDescriptor, errno: errno)
        }
        self = Self.decode(storage, length: Int(length))
    }

    public var description: String {
        switch self {
        case .ip(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path):
            return "unix:\(path)"
        case .other(let family):
            return "address family \(family)"
        }
    }

    private static func decode(_ storage: sockaddr_storage, length: Int) -> Self {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            var sinAddress = address.sin_addr
            let host = presentation(family: AF_INET, address: &sinAddress, capacity: Int(INET_ADDRSTRLEN))
            return .ip(host: host, port: Int(UInt16(bigEndian: address.sin_port)))
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            var sinAddress = address.sin6_addr
            var host = presentation(family: AF_INET6, address: &sinAddress, capacity: Int(INET6_ADDRSTRLEN))
            if address.sin6_scope_id != 0 {
                host += "%\(address.sin6_scope_id)"
            }
            return .ip(host: host, port: Int(UInt16(bigEndian: address.sin6_port)))
        case AF_UNIX:
            return .unix(path: unixPath(storage, length: length))
        default:
            return .other(family: Int32(storage.ss_family))
        }
    }

    private static func presentation<Address>(
        family: Int32,
        address: inout Address,
        capacity: Int
    ) -> String {
        var buffer = [CChar](repeating: 0, count: capacity)
        let converted = withUnsafeBytes(of: &address) { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(capacity))
        }
        guard converted != nil else {
            return "?"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func unixPath(_ storage: sockaddr_storage, length: Int) -> String {
        var storage = storage
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let pathLength = max(0, min(length, MemoryLayout<sockaddr_un>.size) - pathOffset)
        let bytes: [UInt8] = withUnsafeBytes(of: &storage) { Array($0[pathOffset..<(pathOffset + pathLength)]) }
        guard let first = bytes.first else {
            return ""
        }
        if first == 0 {
            // Abstract namespace: the name is every byte after the leading NUL, up to the reported length.
            return "@" + String(decoding: bytes.dropFirst(), as: UTF8.self)
        }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
