import GatehouseConfig
import IPNetwork
import NIOCore
import Systemd

/// Decides, per configured listener, which socket it uses: one passed by systemd under its name, else its own
/// `bind`. The internal-address rule applies to both: a listener on an address that is not loopback, RFC 1918,
/// RFC 6598, link-local or ULA is refused unless it opts in with `allow_public_bind` (never for admin).
public struct ListenerSocketPlan: Sendable {
    public struct Entry: Sendable {
        public let listener: ListenerConfiguration
        public let socket: ListenerSocket
        /// Where it listens, for logs and the status line.
        public let address: String
    }

    public let entries: [Entry]

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(listeners: [ListenerConfiguration], passed: [PassedSocket]) throws {
        let assigned: [String: [PassedSocket]]
        do {
            assigned = try SystemdSockets.assign(passed, toListenersNamed: listeners.map(\.name))
        } catch {
            throw Problem(description: "\(error)")
        }
        var entries: [Entry] = []
        for listener in listeners {
            if let sockets = assigned[listener.name] {
                guard sockets.count == 1, let socket = sockets.first else {
                    throw Problem(
                        description: "systemd passed \(sockets.count) sockets named \"\(listener.name)\"; expected one")
                }
                try Self.checkAddress(socket.localAddress, listener: listener)
                entries.append(
                    Entry(
                        listener: listener, socket: .inherited(descriptor: socket.fileDescriptor),
                        address: socket.localAddress.description + " (from systemd)"))
            } else {
                let address: SocketAddress
                switch listener.bind {
                case .ip(let ip, let port):
                    address = try SocketAddress(ipAddress: ip.description, port: port)
                case .unix(let path):
                    address = try SocketAddress(unixDomainSocketPath: path)
                }
                entries.append(Entry(listener: listener, socket: .bind(address), address: listener.bind.description))
            }
        }
        self.entries = entries
    }

    private static func checkAddress(_ address: SocketLocalAddress, listener: ListenerConfiguration) throws {
        switch address {
        case .unix:
            if !listener.isAdmin {
                throw Problem(
                    description:
                        "listener \"\(listener.name)\": systemd passed a unix socket (\(address)); data listeners need TCP"
                )
            }
        case .ip(let host, _):
            guard let ip = IPAddress(host) else {
                throw Problem(
                    description: "listener \"\(listener.name)\": cannot read the passed socket's address \(address)")
            }
            if listener.isAdmin {
                guard ip.isLoopback else {
                    throw Problem(
                        description:
                            "listener \"\(listener.name)\": the admin listener must be on loopback or a unix socket, "
                            + "but systemd passed \(address)")
                }
            } else if !ip.isInternal && !listener.allowPublicBind {
                throw Problem(
                    description:
                        "listener \"\(listener.name)\": systemd passed a socket on \(address), which is not an internal "
                        + "address; set allow_public_bind: true to allow it")
            }
        case .other:
            throw Problem(
                description: "listener \"\(listener.name)\": systemd passed a socket of an unsupported family")
        }
    }
}
