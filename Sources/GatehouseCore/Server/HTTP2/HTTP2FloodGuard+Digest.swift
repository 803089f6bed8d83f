import NIOCore

/// What `HTTP2FloodGuard` made of a connection's bytes, in a form that can be compared: the fuzz harness
/// (`gatehouse-fuzz`, target `http2-frames`) holds the guard to the same verdict whatever sizes the reads come in.
package struct HTTP2FloodGuardDigest: Equatable, Sendable {
    /// The flood found (its reason label), if any, and after how many bytes.
    package var flood: String?
    package var floodAt: Int?
    /// The highest client stream opened with HEADERS before the verdict.
    package var lastClientStreamID: UInt32 = 0
    package var headerBlockOpen = false
}

extension HTTP2FloodGuardDigest {
    /// Feeds `bytes` (a connection's bytes from the preface on) to a new guard in reads of `readSize` bytes.
    package init(scanning bytes: [UInt8], readSize: Int, maxHeaderBytes: Int) {
        var floodGuard = HTTP2FloodGuard(maxHeaderListSize: maxHeaderBytes, maxHeaderBlockBytes: maxHeaderBytes)
        self.init()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + max(1, readSize))
            if let found = floodGuard.scan(ByteBuffer(bytes: bytes[offset..<end])) {
                flood = found.rawValue
                // The read that completed the flood; reads split differently agree on the verdict, not the offset.
                floodAt = end
                break
            }
            offset = end
        }
        lastClientStreamID = floodGuard.lastClientStreamID
        headerBlockOpen = floodGuard.headerBlockOpen
    }
}
