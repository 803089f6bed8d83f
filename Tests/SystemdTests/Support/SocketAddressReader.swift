@testable import Systemd

/// Reads a socket's address through the module under test (kept separate so support code has one entry point).
enum SocketAddressReader {
    static func local(_ fd: Int32) throws -> SocketLocalAddress {
        try SocketLocalAddress(fileDescriptor: fd)
    }
}
