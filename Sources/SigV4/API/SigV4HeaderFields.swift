/// A request's header fields as SigV4 reads them: each name and value as bytes. Either `String` pairs (what callers
/// that build requests have), or one block of bytes with the ranges of each name and value — a gateway's parsed
/// head, read in place, so verifying a request does not first turn every field into two `String`s.
public struct SigV4HeaderFields: Sendable {
    /// One field's name and value (without surrounding whitespace) as ranges of ``SigV4HeaderFields/init(block:ranges:)``'s bytes.
    public struct FieldRange: Sendable, Equatable {
        public let name: Range<Int>
        public let value: Range<Int>

        public init(name: Range<Int>, value: Range<Int>) {
            self.name = name
            self.value = value
        }
    }

    enum Storage: @unchecked Sendable {
        case strings([(name: String, value: String)], valueBytes: [[UInt8]]?)
        case block([UInt8], [FieldRange])
        /// Memory owned by the caller of ``withBorrowed(bytes:ranges:_:)``, valid only inside its closure: nothing
        /// the verifier keeps (``PendingVerification``) refers to the fields, it copies what it needs.
        case borrowed(UnsafeRawBufferPointer, UnsafeBufferPointer<FieldRange>)
    }

    let storage: Storage

    /// Fields as text; `valueBytes`, parallel to `pairs`, are the values as received when some are not UTF-8.
    public init(_ pairs: [(name: String, value: String)], valueBytes: [[UInt8]]? = nil) {
        precondition(valueBytes.map { $0.count == pairs.count } ?? true, "one byte value per header")
        storage = .strings(pairs, valueBytes: valueBytes)
    }

    /// Fields as ranges of `block`, in received order; values byte for byte (obs-text included).
    public init(block: [UInt8], ranges: [FieldRange]) {
        storage = .block(block, ranges)
    }

    /// The fields as ranges of `bytes`, read in place for the duration of `body` — how a gateway verifies a parsed
    /// head without copying its bytes or its field ranges. The value must not escape `body` (it points into memory
    /// the caller owns); `SigV4Verifier.begin` copies what it keeps.
    public static func withBorrowed<R>(
        bytes: UnsafeRawBufferPointer, ranges: UnsafeBufferPointer<FieldRange>,
        _ body: (SigV4HeaderFields) throws -> R
    ) rethrows -> R {
        try body(SigV4HeaderFields(storage: .borrowed(bytes, ranges)))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    public var count: Int {
        switch storage {
        case .strings(let pairs, _): pairs.count
        case .block(_, let ranges): ranges.count
        case .borrowed(_, let ranges): ranges.count
        }
    }

    @inline(__always)
    func withName<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch storage {
        case .strings(let pairs, _):
            return UTF8Bytes.with(pairs[index].name, body)
        case .block(let bytes, let ranges):
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[ranges[index].name])) }
        case .borrowed(let bytes, let ranges):
            return body(Self.bytes(bytes, ranges[index].name))
        }
    }

    @inline(__always)
    func withValue<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch storage {
        case .strings(let pairs, let valueBytes):
            if let valueBytes { return valueBytes[index].withUnsafeBufferPointer(body) }
            return UTF8Bytes.with(pairs[index].value, body)
        case .block(let bytes, let ranges):
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[ranges[index].value])) }
        case .borrowed(let bytes, let ranges):
            return body(Self.bytes(bytes, ranges[index].value))
        }
    }

    @inline(__always)
    private static func bytes(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: raw.assumingMemoryBound(to: UInt8.self)[range])
    }

    /// The value's bytes when they are lent (`withBorrowed`): valid for as long as the lending closure runs, so they
    /// can be parsed in place rather than copied into a `String`. Nil for the other forms.
    func borrowedValue(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
        guard case .borrowed(let bytes, let ranges) = storage else { return nil }
        return Self.bytes(bytes, ranges[index].value)
    }

    /// The name's length in bytes, without reading it.
    func nameCount(_ index: Int) -> Int {
        switch storage {
        case .strings(let pairs, _): pairs[index].name.utf8.count
        case .block(_, let ranges): ranges[index].name.count
        case .borrowed(_, let ranges): ranges[index].name.count
        }
    }

    func valueCount(_ index: Int) -> Int {
        switch storage {
        case .strings(let pairs, let valueBytes): valueBytes?[index].count ?? pairs[index].value.utf8.count
        case .block(_, let ranges): ranges[index].value.count
        case .borrowed(_, let ranges): ranges[index].value.count
        }
    }

    /// The value as text (lossy for bytes that are not UTF-8), for the few fields read as text: dates, tokens,
    /// `Authorization`.
    func value(_ index: Int) -> String {
        switch storage {
        case .strings(let pairs, _): pairs[index].value
        case .block, .borrowed: withValue(index) { String(decoding: $0, as: UTF8.self) }
        }
    }
}

extension SigV4HeaderFields {
    /// Every field as text, in order (values lossy where they are not UTF-8).
    public var pairs: [(name: String, value: String)] {
        switch storage {
        case .strings(let pairs, _):
            return pairs
        case .block, .borrowed:
            return (0..<count).map { index in
                (withName(index) { String(decoding: $0, as: UTF8.self) }, value(index))
            }
        }
    }
}

extension SigV4HeaderFields {
    /// The same fields laid out as one block of `name: value` lines with their ranges — the form a gateway hands over
    /// from a parsed head. Tests and the fuzz target verify a request in both forms and expect the same answer.
    public var inBlockForm: SigV4HeaderFields {
        var block: [UInt8] = []
        var ranges: [FieldRange] = []
        ranges.reserveCapacity(count)
        for index in 0..<count {
            let nameStart = block.count
            withName(index) { block.append(contentsOf: $0) }
            let nameEnd = block.count
            block.append(contentsOf: ": ".utf8)
            let valueStart = block.count
            withValue(index) { block.append(contentsOf: $0) }
            ranges.append(FieldRange(name: nameStart..<nameEnd, value: valueStart..<block.count))
            block.append(contentsOf: "\r\n".utf8)
        }
        return SigV4HeaderFields(block: block, ranges: ranges)
    }

    /// The same fields lent to `body` as a gateway lends its parsed head (`withBorrowed`), from a block laid out as
    /// `inBlockForm` does: tests and the fuzz target check that a request verifies alike in every form.
    public func withBorrowedForm<R>(_ body: (SigV4HeaderFields) throws -> R) rethrows -> R {
        guard case .block(let bytes, let ranges) = inBlockForm.storage else {
            preconditionFailure("inBlockForm gives the block form")
        }
        return try bytes.withUnsafeBytes { raw in
            try ranges.withUnsafeBufferPointer { try SigV4HeaderFields.withBorrowed(bytes: raw, ranges: $0, body) }
        }
    }
}
