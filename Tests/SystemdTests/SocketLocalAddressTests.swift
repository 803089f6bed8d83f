import Foundation
import Testing

@testable import Systemd

/// `getsockname` decoding on real sockets of every family the gateway may be handed.
@Suite struct SocketLocalAddressTests {
    @Test func ipv4ListeningSocket() throws {
        let fd = try TestSocket.listeningTCP(host: "127.0.0.1")
        defer { close(fd) }
        let passed = try PassedSocket(fileDescriptor: fd, name: "https")
        guard case .ip(let host, let port) = passed.localAddress else {
            Issue.record("expected an IP address, got \(passed.localAddress)")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(port > 0)
        #expect(passed.isListening)
        #expect(passed.localAddress.description == "127.0.0.1:\(port)")
    }

    @Test func ipv6ListeningSocket() throws {
        let fd: Int32
        do {
            fd = try TestSocket.listeningTCP(host: "::1", family: AF_INET6)
        } catch {
            try Test.cancel("IPv6 loopback is not available here: \(error)")
        }
        defer { close(fd) }
        let address = try SocketLocalAddress(fileDescriptor: fd)
        guard case .ip(let host, let port) = address else {
            Issue.record("expected an IP address, got \(address)")
            return
        }
        #expect(host == "::1")
        #expect(address.description == "[::1]:\(port)")
    }

    @Test func unixPathSocket() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("admin.sock")
        let fd = try TestSocket.unix(path: path, type: Int32(SOCK_STREAM.rawValue))
        defer { close(fd) }
        #expect(listen(fd, 4) == 0)
        let passed = try PassedSocket(fileDescriptor: fd, name: "admin")
        #expect(passed.localAddress == .unix(path: path))
        #expect(passed.localAddress.description == "unix:\(path)")
        #expect(passed.isListening)
    }

    @Test func abstractUnixSocket() throws {
        let name = "@gatehouse-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try TestSocket.unix(path: name, type: Int32(SOCK_STREAM.rawValue))
        defer { close(fd) }
        #expect(try SocketLocalAddress(fileDescriptor: fd) == .unix(path: name))
    }

    @Test func boundButNotListeningIsReported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let datagram = try TestSocket.unix(path: directory.file("dgram"), type: Int32(SOCK_DGRAM.rawValue))
        defer { close(datagram) }
        #expect(try PassedSocket(fileDescriptor: datagram, name: "x").isListening == false)

        let stream = try TestSocket.unix(path: directory.file("stream"), type: Int32(SOCK_STREAM.rawValue))
        defer { close(stream) }
        #expect(try PassedSocket(fileDescriptor: stream, name: "x").isListening == false)
    }

    @Test func nonSocketDescriptorThrows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        let error = #expect(throws: SystemdError.self) { try SocketLocalAddress(fileDescriptor: fd) }
        #expect(error?.description.contains("fd \(fd)") == true)
    }
}
