import GatehouseBytes

/// A strict RFC 8259 JSON parser producing `JSONValue` trees with positions.
///
/// Strict on purpose: no comments, no trailing commas, no duplicate object keys, valid UTF-8 only, bounded
/// nesting. A lenient parser would let two readers (a reviewer and the gateway) see different policies.
struct JSONParser {
    private static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one complete document; anything but whitespace after it is an error.
    static func parse(_ bytes: [UInt8]) throws(PolicyError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw .syntax("unexpected text after the end of the document", at: parser.position)
        }
        return value
    }

    private var position: JSONPosition {
        JSONPosition(line: line, column: index - lineStart + 1)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(PolicyError) -> JSONValue {
        guard depth <= Self.maximumDepth else {
            throw .syntax("nesting deeper than \(Self.maximumDepth) levels", at: position)
        }
        let start = position
        guard index < bytes.count else { throw .syntax("unexpected end of document", at: start) }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return JSONValue(.object(try parseObject(depth: depth)), position: start)
        case UInt8(ascii: "["):
            return JSONValue(.array(try parseArray(depth: depth)), position: start)
        case UInt8(ascii: "\""):
            return JSONValue(.string(try parseString()), position: start)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONValue(.bool(true), position: start)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONValue(.bool(false), position: start)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONValue(.null, position: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(.number(try parseNumber()), position: start)
        default:
            throw .syntax("unexpected character \(describe(bytes[index]))", at: start)
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
        return "0x" + String(byte, radix: 16, uppercase: true)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(PolicyError) {
        let start = position
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        guard index + count <= bytes.count, bytes[index..<index + count].elementsEqual(expected) else {
            throw .syntax("invalid literal (expected \(literal))", at: start)
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(PolicyError) -> [JSONMember] {
        index += 1
        var members: [JSONMember] = []
        var seen: Set<String> = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            let keyPosition = position
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw .syntax("expected a quoted object key", at: keyPosition)
            }
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw .syntax("duplicate key \"\(key)\"", at: keyPosition)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw .syntax("expected \":\" after key \"\(key)\"", at: position)
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONMember(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw .syntax("unterminated object", at: position) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return members
            }
            throw .syntax("expected \",\" or \"}\" in object", at: position)
        }
    }

    private mutating func parseArray(depth: Int) throws(PolicyError) -> [JSONValue] {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw .syntax("unterminated array", at: position) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            throw .syntax("expected \",\" or \"]\" in array", at: position)
        }
    }

    private mutating func parseString() throws(PolicyError) -> String {
        let start = position
        index += 1
        var scalars: [UInt8] = []
        while true {
            guard index < bytes.count else { throw .syntax("unterminated string", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: scalars, as: UTF8.self) else {
                    throw .syntax("string is not valid UTF-8", at: start)
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &scalars)
            case 0..<0x20:
                throw .syntax("control character in string", at: position)
            default:
                scalars.append(byte)
                index += 1
            }
        }
    }

    /// Reads the escape after a backslash; errors point at the backslash.
    private mutating func parseEscape(into output: inout [UInt8]) throws(PolicyError) {
        let backslash = JSONPosition(line: line, column: index - lineStart)
        guard index < bytes.count else { throw .syntax("unterminated escape", at: backslash) }
        let escape = bytes[index]
        index += 1
        let simple: UInt8?
        switch escape {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default: throw .syntax("invalid escape \"\\\(Character(Unicode.Scalar(escape)))\"", at: backslash)
        }
        if let simple {
            output.append(simple)
            return
        }
        var value = try parseHex4()
        if (0xD800...0xDBFF).contains(value) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw .syntax("unpaired surrogate in \\u escape", at: backslash) }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw .syntax("unpaired surrogate in \\u escape", at: backslash)
            }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(value) {
            throw .syntax("unpaired surrogate in \\u escape", at: backslash)
        }
        guard let scalar = Unicode.Scalar(value) else { throw .syntax("invalid \\u escape", at: backslash) }
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func parseHex4() throws(PolicyError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax("truncated \\u escape", at: position) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Hex.nibble(bytes[index]) else {
                throw .syntax("invalid hex digit in \\u escape", at: position)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(PolicyError) -> String {
        let start = index
        let startPosition = position
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax("invalid number", at: startPosition) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw .syntax("invalid number", at: startPosition)
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw .syntax("invalid number", at: startPosition)
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, isDigit(bytes[index]) { throw .syntax("invalid number", at: startPosition) }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
