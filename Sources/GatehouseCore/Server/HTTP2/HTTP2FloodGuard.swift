import NIOCore
import NIOHPACK

/// The HTTP/2 floods NIOHTTP2 does not answer with `ENHANCE_YOUR_CALM`, recognised on the connection's bytes before
/// NIOHTTP2 reads them (RFC 9113 frame headers are read; payloads are skipped except header blocks):
///
/// - a header block (HEADERS and its CONTINUATION frames) whose compressed bytes pass `maxHeaderBlockBytes` — a
///   block that never ends in few, large frames, which NIOHTTP2 would otherwise hold until the idle timeout;
/// - HPACK state past the limits: a dynamic table size update above the table size Gatehouse allows, or a block
///   whose decoded list passes `maxHeaderListSize` (an HPACK bomb: small references to large table entries).
///   NIOHTTP2 answers both with `COMPRESSION_ERROR`; a shadow `HPACKDecoder` fed the same blocks in the same order
///   keeps the same dynamic table and sees them first.
///
/// Pure: bytes in, a verdict out, so the rules are tested without a channel. Frames are checked as they complete;
/// at most one header block is held (bounded by `maxHeaderBlockBytes`), plus a partial frame header.
struct HTTP2FloodGuard {
    enum Flood: String, Equatable, Sendable {
        case headerBlockTooLarge = "header_block_too_large"
        case hpackTableTooLarge = "hpack_table_too_large"
        case headerListTooLarge = "header_list_too_large"
        /// A header block left open past `header_timeout` (set by the handler, which owns the clock).
        case headerTimeout = "header_timeout"
    }

    static let preface = 24
    static let frameHeaderSize = 9
    static let headersType: UInt8 = 0x1
    static let continuationType: UInt8 = 0x9
    static let endHeaders: UInt8 = 0x4
    static let padded: UInt8 = 0x8
    static let priority: UInt8 = 0x20

    let maxHeaderBlockBytes: Int
    /// The highest stream a client opened with HEADERS: the last stream id of a GOAWAY sent on a flood.
    private(set) var lastClientStreamID: UInt32 = 0
    private var decoder: HPACKDecoder
    private var prefaceLeft = preface
    private var header: [UInt8] = []
    /// The frame being read: type, flags, stream and how many payload bytes are still to come.
    private var frame: (type: UInt8, flags: UInt8, stream: UInt32, remaining: Int)?
    /// The payload of a HEADERS or CONTINUATION frame being read.
    private var payload: [UInt8] = []
    /// The header block gathered so far (nil when none is open).
    private var block: [UInt8]?
    private var tripped: Flood?

    /// Whether a header block is open (HEADERS read, END_HEADERS not yet): its owner bounds how long that may last.
    var headerBlockOpen: Bool { block != nil || frame.map { $0.type == Self.headersType } == true }

    /// - Parameters:
    ///   - maxHeaderListSize: the advertised `SETTINGS_MAX_HEADER_LIST_SIZE` (HPACK's count of the decoded list).
    ///   - maxDynamicTableSize: the advertised `SETTINGS_HEADER_TABLE_SIZE` (4096 unless changed).
    init(maxHeaderListSize: Int, maxHeaderBlockBytes: Int, maxDynamicTableSize: Int = 4096) {
        self.maxHeaderBlockBytes = maxHeaderBlockBytes
        self.decoder = HPACKDecoder(
            allocator: ByteBufferAllocator(), maxDynamicTableSize: maxDynamicTableSize,
            maxHeaderListSize: maxHeaderListSize)
    }

    /// Reads `bytes` (the next bytes of the connection); returns the flood they complete, if any. Once a flood is
    /// found, every later call returns it.
    mutating func scan(_ bytes: ByteBuffer) -> Flood? {
        if let tripped { return tripped }
        bytes.withUnsafeReadableBytes { raw in
            var index = 0
            if prefaceLeft > 0 {
                let skipped = min(prefaceLeft, raw.count)
                prefaceLeft -= skipped
                index = skipped
            }
            while index < raw.count, tripped == nil {
                guard let current = frame else {
                    let take = min(Self.frameHeaderSize - header.count, raw.count - index)
                    header.append(contentsOf: raw[index..<(index + take)])
                    index += take
                    if header.count == Self.frameHeaderSize { startFrame() }
                    continue
                }
                let take = min(current.remaining, raw.count - index)
                if current.type == Self.headersType || current.type == Self.continuationType {
                    payload.append(contentsOf: raw[index..<(index + take)])
                }
                index += take
                frame!.remaining -= take
                if frame!.remaining == 0 { endFrame() }
            }
        }
        return tripped
    }

    private mutating func startFrame() {
        let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
        let stream =
            (UInt32(header[5]) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8]))
            & 0x7FFF_FFFF
        frame = (header[3], header[4], stream, length)
        header.removeAll(keepingCapacity: true)
        let type = frame!.type
        if type == Self.headersType || type == Self.continuationType {
            // The frame alone, or with what the block holds already, passes the limit: nothing of it is kept.
            if length + (block?.count ?? 0) > maxHeaderBlockBytes {
                tripped = .headerBlockTooLarge
                return
            }
            payload.reserveCapacity(length)
        }
        if length == 0 { endFrame() }
    }

    private mutating func endFrame() {
        guard let done = frame else { return }
        frame = nil
        defer { payload.removeAll(keepingCapacity: true) }
        switch done.type {
        case Self.headersType:
            if done.stream & 1 == 1 { lastClientStreamID = max(lastClientStreamID, done.stream) }
            guard let fragment = Self.fragment(of: payload, flags: done.flags) else { return }
            block = fragment
        case Self.continuationType:
            guard block != nil else { return }  // out of place: NIOHTTP2 answers PROTOCOL_ERROR
            block!.append(contentsOf: payload)
        default:
            return
        }
        if block!.count > maxHeaderBlockBytes {
            tripped = .headerBlockTooLarge
        } else if done.flags & Self.endHeaders != 0 {
            decodeBlock()
        }
    }

    /// The header block fragment of a HEADERS payload: without the pad length, the priority fields and the padding.
    static func fragment(of payload: [UInt8], flags: UInt8) -> [UInt8]? {
        var start = 0
        var end = payload.count
        if flags & padded != 0 {
            guard let pad = payload.first else { return nil }
            start += 1
            end -= Int(pad)
        }
        if flags & priority != 0 { start += 5 }
        guard start <= end else { return nil }
        return Array(payload[start..<end])
    }

    private mutating func decodeBlock() {
        guard let bytes = block else { return }
        block = nil
        var buffer = ByteBuffer(bytes: bytes)
        do {
            _ = try decoder.decodeHeaders(from: &buffer)
        } catch is NIOHPACKErrors.MaxHeaderListSizeViolation {
            tripped = .headerListTooLarge
        } catch is NIOHPACKErrors.InvalidDynamicTableSize {
            tripped = .hpackTableTooLarge
        } catch {
            // Any other HPACK error is NIOHTTP2's to answer (COMPRESSION_ERROR); the connection ends either way.
        }
    }

    /// A GOAWAY frame (RFC 9113 §6.8): last stream id, error code, no debug data.
    static func goAway(lastStreamID: UInt32, errorCode: UInt32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(8) << 8 | 0x7, as: UInt32.self)  // length 8, type GOAWAY
        buffer.writeInteger(UInt8(0))  // flags
        buffer.writeInteger(UInt32(0))  // stream 0
        buffer.writeInteger(lastStreamID & 0x7FFF_FFFF)
        buffer.writeInteger(errorCode)
        return buffer
    }
}
