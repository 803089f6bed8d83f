import GatehouseBytes

extension EndToEndHeaders {
    /// The indices of the fields of a client's head that cross the proxy: the same rule as `forEach` (hop-by-hop
    /// headers, those named in `Connection`, and `reserved` stop here), then `rule` (look-alike, override and `_`
    /// names), applied to the head's bytes in one pass so the fields can be forwarded byte for byte.
    static func forwardedFields(
        of head: ParsedRequestHead, except reserved: HeaderNameSet, rule: ForwardedHeaderRule
    ) -> [Int] {
        // Names listed in `Connection` other than `keep-alive` (dropped anyway), gathered only when there are any.
        var named: [Range<Int>] = []
        for index in head.fields.indices where head.fieldIs(index, "connection") {
            head.withBytes(head.fields[index].value) { value in
                forEachToken(of: value) { range in
                    let token = UnsafeRawBufferPointer(rebasing: value[range])
                    if !ASCII.equalsIgnoringCase(token, "keep-alive".utf8) {
                        let base = head.fields[index].value.lowerBound
                        named.append((base + range.lowerBound)..<(base + range.upperBound))
                    }
                }
            }
        }
        var forwarded: [Int] = []
        forwarded.reserveCapacity(head.fields.count)
        head.bytes.withUnsafeReadableBytes { bytes in
            for index in head.fields.indices {
                let name = UnsafeRawBufferPointer(rebasing: bytes[head.fields[index].name])
                if hopByHop.contains(bytes: name) || reserved.contains(bytes: name) || !rule.forwards(name) { continue }
                if named.contains(where: {
                    ASCII.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[$0]), name)
                }) {
                    continue
                }
                forwarded.append(index)
            }
        }
        return forwarded
    }

    /// Calls `body` with the range of each element of a list-valued field (RFC 9110 §5.6.1), trimmed of spaces and
    /// tabs, empty elements skipped.
    static func forEachToken(of value: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last, HTTPByteClass.isWhitespace(value[first]) { first += 1 }
            while first < last, HTTPByteClass.isWhitespace(value[last - 1]) { last -= 1 }
            if first < last { body(first..<last) }
            start = end + 1
        }
    }
}
