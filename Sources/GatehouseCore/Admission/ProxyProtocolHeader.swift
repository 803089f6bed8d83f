import IPNetwork
import NIOCore

/// Parses a PROXY protocol header (HAProxy's proxy-protocol.txt, v1 text and v2 binary) at the start of a
/// connection. Only the source address matters to Gatehouse.
///
/// The rule, as the spec has it:
/// - v2 `PROXY` with `AF_INET`/`AF_INET6`: the source address it carries (an address block shorter than the
///   family's is invalid);
/// - v2 `PROXY` with `AF_UNSPEC` or `AF_UNIX`, and v1 `UNKNOWN` (whatever follows it on the line): the header is
///   accepted and the connection's real peer — the proxy — is the source ("use the real connection endpoints");
/// - v2 `LOCAL` (the proxy's own connection, e.g. a health check): the block, family included, is ignored and the
///   real peer is the source;
/// - anything else is invalid and the connection is closed: another version than 2, a command other than
///   `LOCAL`/`PROXY`, a family above `AF_UNIX` or a transport above `DGRAM` in a `PROXY` header (the spec says
///   receivers must reject them), a v1 line over 107 bytes, not ending in CRLF, or with a protocol other than
///   `TCP4`/`TCP6`/`UNKNOWN`.
///
/// The real peer gets no exemption: it is a trusted proxy (checked before parsing), and as a source it must still
/// pass the listener's `allow_sources` like any client — a `LOCAL` health check is admitted only when the proxy's
/// own address is allowed, so the header can never widen who reaches TLS.
///
/// ``parse(_:)`` is a pure function of the bytes (no I/O, no state), the entry point for the fuzz harness.
public enum ProxyProtocolHeader {
    public enum Outcome: Equatable, Sendable {
        case needMoreData
        /// The header was consumed; a nil source means "the connection's real peer" (LOCAL, UNSPEC, AF_UNIX,
        /// UNKNOWN).
        case parsed(source: IPAddress?)
        case invalid(String)
    }

    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v1MaximumLength = 107

    /// Parses `bytes` as received so far; see ``parse(_:)``. For fuzzing and tests.
    public static func parse(bytes: [UInt8]) -> Outcome {
        var buffer = ByteBuffer(bytes: bytes)
        return parse(&buffer)
    }

    /// Parses the header at the start of `buffer`. On `.parsed` the header's bytes are consumed and what follows it
    /// stays in `buffer`; on `.needMoreData` nothing is consumed; `.invalid` says why the connection must close.
    public static func parse(_ buffer: inout ByteBuffer) -> Outcome {
        let available = buffer.readableBytes
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .needMoreData }
        if first == v2Signature[0] {
            let prefix = buffer.getBytes(at: buffer.readerIndex, length: min(available, 12)) ?? []
            guard prefix.elementsEqual(v2Signature.prefix(prefix.count)) else {
                return .invalid("not a PROXY protocol header")
            }
            return parseV2(&buffer)
        }
        if first == UInt8(ascii: "P") {
            return parseV1(&buffer)
        }
        return .invalid("not a PROXY protocol header")
    }

    private static func parseV1(_ buffer: inout ByteBuffer) -> Outcome {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            return view.count >= v1MaximumLength ? .invalid("PROXY v1 header too long") : .needMoreData
        }
        let length = newline - view.startIndex + 1
        guard length <= v1MaximumLength, length >= 2, view[newline - 1] == UInt8(ascii: "\r"),
            let line = buffer.readString(length: length)
        else { return .invalid("malformed PROXY v1 header") }
        // "\r\n" is a single Character in Swift.
        let fields = line.dropLast().split(separator: " ", omittingEmptySubsequences: false)
        guard fields.first == "PROXY", fields.count >= 2 else { return .invalid("malformed PROXY v1 header") }
        switch fields[1] {
        case "UNKNOWN":
            return .parsed(source: nil)
        case "TCP4", "TCP6":
            guard fields.count == 6, let source = IPAddress(fields[2]), IPAddress(fields[3]) != nil,
                UInt16(fields[4]) != nil, UInt16(fields[5]) != nil, source.isIPv4 == (fields[1] == "TCP4")
            else { return .invalid("malformed PROXY v1 addresses") }
            return .parsed(source: source)
        default:
            return .invalid("unsupported PROXY v1 protocol \(fields[1])")
        }
    }

    private static func parseV2(_ buffer: inout ByteBuffer) -> Outcome {
        guard buffer.readableBytes >= 16,
            let versionCommand = buffer.getInteger(at: buffer.readerIndex + 12, as: UInt8.self),
            let family = buffer.getInteger(at: buffer.readerIndex + 13, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 14, as: UInt16.self)
        else { return .needMoreData }
        guard versionCommand >> 4 == 2 else { return .invalid("unsupported PROXY protocol version") }
        let command = versionCommand & 0x0F
        guard command <= 0x1 else { return .invalid("unsupported PROXY v2 command") }
        if command == 0x1 {
            guard family >> 4 <= 0x3 else { return .invalid("unsupported PROXY v2 address family") }
            guard family & 0x0F <= 0x2 else { return .invalid("unsupported PROXY v2 transport protocol") }
        }
        guard buffer.readableBytes >= 16 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 16)
        guard var payload = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        guard command == 0x1 else {
            // LOCAL: the proxy's own connection; the address block (and the family) are ignored.
            return .parsed(source: nil)
        }
        switch family >> 4 {
        case 0x1:
            guard length >= 12, let bytes = payload.readBytes(length: 4) else {
                return .invalid("short PROXY v2 IPv4 address block")
            }
            return .parsed(source: IPAddress(bytes: bytes))
        case 0x2:
            guard length >= 36, let bytes = payload.readBytes(length: 16) else {
                return .invalid("short PROXY v2 IPv6 address block")
            }
            return .parsed(source: IPAddress(bytes: bytes))
        default:
            // AF_UNSPEC, or AF_UNIX (no IP address to use): accepted, the real peer is the source.
            return .parsed(source: nil)
        }
    }
}
