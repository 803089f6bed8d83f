import Testing

@testable import Systemd

/// Matching passed sockets to listeners by `FileDescriptorName=`.
@Suite struct SocketAssignmentTests {
    private func socket(_ fd: Int32, _ name: String, port: Int) -> PassedSocket {
        PassedSocket(
            fileDescriptor: fd, name: name, localAddress: .ip(host: "127.0.0.1", port: port), isListening: true)
    }

    @Test func socketsAreGroupedByListenerName() throws {
        let sockets = [socket(3, "https", port: 8443), socket(4, "admin", port: 9901), socket(5, "https", port: 8444)]
        let assigned = try SystemdSockets.assign(sockets, toListenersNamed: ["https", "admin", "internal"])
        #expect(assigned["https"]?.map(\.fileDescriptor) == [3, 5])
        #expect(assigned["admin"]?.map(\.fileDescriptor) == [4])
        #expect(assigned["internal"] == nil)
    }

    @Test func noSocketsAssignNothing() throws {
        #expect(try SystemdSockets.assign([], toListenersNamed: ["https"]).isEmpty)
    }

    @Test func unknownNameIsAnErrorNamingItAndTheListeners() throws {
        let sockets = [socket(3, "https", port: 8443), socket(4, "gatehouse.socket", port: 9000)]
        let error = #expect(throws: SystemdError.self) {
            try SystemdSockets.assign(sockets, toListenersNamed: ["https", "admin"])
        }
        #expect(
            error?.description
                == "systemd passed a socket named 'gatehouse.socket' (fd 4, 127.0.0.1:9000) but no listener has that "
                + "name; listeners are admin, https (set FileDescriptorName= in the .socket unit to a listener name)"
        )
    }

    @Test func unknownNameWithNoListenersConfigured() throws {
        let error = #expect(throws: SystemdError.self) {
            try SystemdSockets.assign([socket(3, "https", port: 8443)], toListenersNamed: [String]())
        }
        #expect(error?.description.contains("none are configured") == true)
    }
}
