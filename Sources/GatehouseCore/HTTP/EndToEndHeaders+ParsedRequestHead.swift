import GatehouseBytes

extension EndToEndHeaders {
    /// The indices of the fields of a client's head that cross the proxy: `forEachForwardedField` with the client
    /// rule (look-alike, override and `_` names).
    static func forwardedFields(
        of head: ParsedRequestHead, except reserved: HeaderNameSet, rule: ForwardedHeaderRule
    ) -> [Int] {
        var forwarded: [Int] = []
        forwarded.reserveCapacity(head.fields.count)
        forEachForwardedField(of: head, except: reserved, rule: rule) { forwarded.append($0) }
        return forwarded
    }

    /// Calls `body` with the index of each field of `head` that crosses the proxy, in order: hop-by-hop fields,
    /// those named in `Connection` and `reserved` ones stop here, then `rule`, when given, judges the name. Applied
    /// to the head's bytes in one pass, so the fields can be relayed byte for byte; nothing is allocated unless
    /// `Connection` names fields other than `keep-alive` (dropped anyway).
    static func forEachForwardedField<Head: ParsedHTTPHead>(
        of head: Head, except reserved: HeaderNameSet, rule: ForwardedHeaderRule? = nil, _ body: (Int) -> Void
    ) {
        // Names listed in `Connection` other than `keep-alive`, gathered only when there are any.
        var named: [Range<Int>] = []
        for index in head.fields.indices where head.fieldIs(index, "connection") {
            head.withBytes(head.fields[index].value) { value in
                HTTPListElements.forEach(in: value) { range in
                    let token = UnsafeRawBufferPointer(rebasing: value[range])
                    if !ASCII.equalsIgnoringCase(token, "keep-alive".utf8) {
                        let base = head.fields[index].value.lowerBound
                        named.append((base + range.lowerBound)..<(base + range.upperBound))
                    }
                }
            }
        }
        head.bytes.withUnsafeReadableBytes { bytes in
            for index in head.fields.indices {
                let name = UnsafeRawBufferPointer(rebasing: bytes[head.fields[index].name])
                if hopByHop.contains(bytes: name) || reserved.contains(bytes: name) { continue }
                if let rule, !rule.forwards(name) { continue }
                if named.contains(where: {
                    ASCII.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[$0]), name)
                }) {
                    continue
                }
                body(index)
            }
        }
    }
}
