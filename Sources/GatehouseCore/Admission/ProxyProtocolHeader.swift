import IPNetwork
import NIOCore

/// Parses a PROXY protocol header (HAProxy's spec, v1 text and v2 binary) at the start of a connection. Only the
/// source address matters to Gatehouse; `LOCAL` (v2) and `UNKNOWN` (v1) mean "use the connection's own peer".
/// `package` (not public) so the fuzz harness in `gatehouse-fuzz` can drive the parser directly.
package enum ProxyProtocolHeader {
    package enum Outcome: Equatable {
        case needMoreData
        /// The header was consumed; nil source means the proxy's own connection (LOCAL/UNKNOWN).
        case parsed(source: IPAddress?)
        case invalid(String)
    }

    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v1MaximumLength = 107

    package static func parse(_ buffer: inout ByteBuffer) -> Outcome {
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
        guard buffer.readableBytes >= 16 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 16)
        guard var payload = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        switch versionCommand & 0x0F {
        case 0x0:
            return .parsed(source: nil)
        case 0x1:
            switch family >> 4 {
            case 0x1:
                guard let bytes = payload.readBytes(length: 4), length >= 12 else {
                    return .invalid("short PROXY v2 IPv4 address block")
                }
                return .parsed(source: IPAddress(bytes: bytes))
            case 0x2:
                guard let bytes = payload.readBytes(length: 16), length >= 36 else {
                    return .invalid("short PROXY v2 IPv6 address block")
                }
                return .parsed(source: IPAddress(bytes: bytes))
            default:
                return .parsed(source: nil)
            }
        default:
            return .invalid("unsupported PROXY v2 command")
        }
    }
}
