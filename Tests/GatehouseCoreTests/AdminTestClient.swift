import Glibc

/// A deliberately dumb blocking HTTP/1.1 client over a raw socket, so admin tests see exactly the bytes the server
/// sends (status line, headers, whether the connection closes) with no client library smoothing anything over.
/// Every read times out after `timeoutSeconds`, so a server that fails to answer fails the test instead of hanging.
final class AdminTestClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Response {
        var version: String
        var status: Int
        /// Header names lowercased; the last value wins.
        var headers: [String: String]
        var body: String
    }

    private let fd: CInt
    private var buffered: [UInt8] = []

    /// Connects to 127.0.0.1:`port`.
    convenience init(port: Int, timeoutSeconds: Int = 5) throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: \(errno)")
        }
        try self.init(fd: fd, timeoutSeconds: timeoutSeconds)
    }

    /// Connects to the unix socket at `path`.
    convenience init(unixPath path: String, timeoutSeconds: Int = 5) throws {
        let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes.prefix(raw.count - 1))
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect to \(path) failed: \(errno)")
        }
        try self.init(fd: fd, timeoutSeconds: timeoutSeconds)
    }

    private init(fd: CInt, timeoutSeconds: Int) throws {
        self.fd = fd
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
    }

    func sendText(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeMutableBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, CInt(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send failed: \(errno)") }
            offset += sent
        }
    }

    /// Sends a request with only a Host header (plus `extraHeaders`, each a full `Name: value` line).
    func request(_ method: String, _ target: String, version: String = "HTTP/1.1", extraHeaders: [String] = [])
        throws -> Response
    {
        let head = ["\(method) \(target) \(version)", "Host: localhost"] + extraHeaders
        try sendText(head.joined(separator: "\r\n") + "\r\n\r\n")
        return try readResponse(bodyExpected: method != "HEAD")
    }

    func readResponse(bodyExpected: Bool = true) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffered.firstRange(of: separator)?.lowerBound
            if headEnd == nil { try fill() }
        }
        let headText = String(decoding: buffered[..<headEnd!], as: UTF8.self)
        buffered.removeFirst(headEnd! + separator.count)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(headText)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
        }
        var body: [UInt8] = []
        if bodyExpected, let length = headers["content-length"].flatMap({ Int($0) }) {
            while buffered.count < length { try fill() }
            body = Array(buffered.prefix(length))
            buffered.removeFirst(length)
        }
        return Response(
            version: statusLine[0], status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    /// Whether the server closes the connection within the read timeout without sending anything more.
    func closesWithoutMoreData() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    /// Whether nothing arrives (and the connection stays open) for the read timeout.
    func staysSilent() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, CInt(MSG_PEEK)) }
        return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    func setReadTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw Failure(description: count == 0 ? "connection closed by server" : "recv failed: \(errno)")
        }
        buffered.append(contentsOf: chunk.prefix(count))
    }
}
