/// Why a call into systemd's protocols failed.
///
/// One readable sentence per case, naming the socket, variable or name at fault, because these errors end up in
/// `gatehouse serve`'s single-line startup failure message.
public struct SystemdError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case listenFDs(errno: Int32)
        case unknownSocketName(name: String, fileDescriptor: Int32, address: String, known: [String])
        case notify(errno: Int32, state: String)
        case watchdog(errno: Int32)
        case localAddress(fileDescriptor: Int32, errno: Int32)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// `sd_listen_fds_with_names` rejected `LISTEN_PID`/`LISTEN_FDS`/`LISTEN_FDNAMES`.
    public static func listenFDs(errno: Int32) -> Self {
        Self(.listenFDs(errno: errno))
    }

    /// systemd passed a socket whose `FileDescriptorName=` matches no configured listener.
    public static func unknownSocketName(
        _ name: String,
        fileDescriptor: Int32,
        address: String,
        known: [String]
    ) -> Self {
        Self(.unknownSocketName(name: name, fileDescriptor: fileDescriptor, address: address, known: known))
    }

    /// `sd_notify` failed to deliver a state change to `NOTIFY_SOCKET`.
    public static func notify(errno: Int32, state: String) -> Self {
        Self(.notify(errno: errno, state: state))
    }

    /// `sd_watchdog_enabled` could not parse `WATCHDOG_USEC`/`WATCHDOG_PID`.
    public static func watchdog(errno: Int32) -> Self {
        Self(.watchdog(errno: errno))
    }

    /// `getsockname` failed on a passed descriptor.
    public static func localAddress(fileDescriptor: Int32, errno: Int32) -> Self {
        Self(.localAddress(fileDescriptor: fileDescriptor, errno: errno))
    }

    public var description: String {
        switch code {
        case .listenFDs(let errno):
            return "systemd socket activation variables (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES) are invalid: "
                + ErrnoText.describe(errno)
        case .unknownSocketName(let name, let fd, let address, let known):
            let expected =
                known.isEmpty ? "none are configured" : "listeners are " + known.sorted().joined(separator: ", ")
            return "systemd passed a socket named '\(name)' (fd \(fd), \(address)) but no listener has that name; "
                + expected + " (set FileDescriptorName= in the .socket unit to a listener name)"
        case .notify(let errno, let state):
            let assignments = state.split(separator: "\n").joined(separator: ", ")
            return "could not notify systemd of \(assignments) through NOTIFY_SOCKET: " + ErrnoText.describe(errno)
        case .watchdog(let errno):
            return "systemd watchdog variables (WATCHDOG_USEC, WATCHDOG_PID) are invalid: " + ErrnoText.describe(errno)
        case .localAddress(let fd, let errno):
            return "could not read the local address of passed socket fd \(fd): " + ErrnoText.describe(errno)
        }
    }
}
