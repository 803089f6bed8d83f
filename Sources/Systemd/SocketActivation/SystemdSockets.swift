import CSystemd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Socket activation: the listening sockets systemd's `.socket` units pass to the service.
///
/// A namespace rather than a value because the variables are process-wide and can be consumed exactly once.
public enum SystemdSockets {
    /// Takes the sockets systemd passed (`LISTEN_PID`, `LISTEN_FDS`, `LISTEN_FDNAMES`) and unsets those variables so
    /// child processes do not inherit them. Returns an empty array when the process was not socket-activated.
    ///
    /// Call it once, early in `serve`: the descriptors belong to the caller afterwards.
    public static func listenFDs() throws -> [PassedSocket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        let count = sd_listen_fds_with_names(1, &names)
        defer {
            if let names {
                var index = 0
                while let name = names[index] {
                    free(name)
                    index += 1
                }
                free(names)
            }
        }
        guard count >= 0 else {
            throw SystemdError.listenFDs(errno: count)
        }
        return try (0..<Int(count)).map { index in
            let fileDescriptor = SD_LISTEN_FDS_START + Int32(index)
            let name = names?[index].map { String(cString: $0) } ?? "unknown"
            return try PassedSocket(fileDescriptor: fileDescriptor, name: name)
        }
    }

    /// Groups passed sockets by listener name, refusing any socket whose name is not a listener's.
    ///
    /// A listener may receive several sockets (a `.socket` unit with an IPv4 and an IPv6 `ListenStream=` passes
    /// both under one name); listeners that received none are absent and bind their configured address.
    public static func assign(
        _ sockets: [PassedSocket],
        toListenersNamed listenerNames: some Sequence<String>
    ) throws -> [String: [PassedSocket]] {
        let known = Set(listenerNames)
        var assigned: [String: [PassedSocket]] = [:]
        for socket in sockets {
            guard known.contains(socket.name) else {
                throw SystemdError.unknownSocketName(
                    socket.name,
                    fileDescriptor: socket.fileDescriptor,
                    address: socket.localAddress.description,
                    known: Array(known)
                )
            }
            assigned[socket.name, default: []].append(socket)
        }
        return assigned
    }
}
