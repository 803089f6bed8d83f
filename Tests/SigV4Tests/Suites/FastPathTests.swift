import Crypto
import Foundation
import GatehouseBytes
import Testing

@testable import SigV4

/// The byte-level fast paths the verifier takes on every request must give exactly what the general rules give.
@Suite struct FastPathTests {
    private let now = SigningFixture.signedAt

    @Test func byteWriterRetriesWithALargerBufferWhenAnEstimateIsShort() {
        let bytes = ByteWriter.collect(capacity: 1) { writer in
            for byte in UInt8(0)..<100 { writer.append(byte) }
            writer.append("-tail" as StaticString)
            writer.appendLowercased([UInt8]("ABC".utf8).withUnsafeBufferPointer { $0 })
        }
        #expect(bytes == Array(0..<100) + Array("-tailabc".utf8))
        let hex = ByteWriter.collect(capacity: 2) { writer in
            [UInt8]([0x00, 0x9f, 0xa0, 0xff]).withUnsafeBytes { writer.appendHex($0) }
        }
        #expect(String(decoding: hex, as: UTF8.self) == "009fa0ff")
    }

    @Test(arguments: [
        ("a=1&b=2", true), ("a=1&a=1", true), ("a=&b=", true), ("=v", true), ("a-._~=Z9", true),
        ("b=1&a=2", false), ("a=2&a=1", false), ("a", false), ("a=1&", false), ("&a=1", false),
        ("a=1&&b=2", false), ("a=%41", false), ("a=b=c", false), ("a=b+c", false), ("a=\u{e9}", false),
    ])
    func canonicalQueryIsDetected(query: String, canonical: Bool) {
        #expect(UTF8Bytes.with(query) { RawQuery.isCanonical($0) } == canonical)
        if canonical { #expect(SigV4Canonical.canonicalQuery(query) == query) }
    }

    /// The canonical query, fast path or not, against a plain reference implementation on many generated queries.
    @Test func canonicalQueryMatchesReference() {
        let pieces = [
            "a", "b", "B", "=", "&", "%41", "%4", "%zz", "%2f", "+", " ", "~", "-", "\u{e9}", "X-Amz-Signature",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            var query = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0..<Int(state >> 60) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                query += pieces[Int(state >> 33) % pieces.count]
            }
            for presigned in [false, true] {
                #expect(
                    SigV4Canonical.canonicalQuery(query, presigned: presigned)
                        == Self.referenceCanonicalQuery(query, presigned: presigned),
                    "\(query)"
                )
            }
        }
    }

    /// Names longer than 16 bytes share a key when their first and last eight bytes match: the bytes between must
    /// still be compared.
    @Test func longHeaderNamesAreComparedInFull() {
        let canonical = SigV4Canonical.canonicalRequest(
            method: "GET",
            path: "/",
            query: nil,
            headers: [
                ("Host", "example.com"), ("X-Amz-Meta-AAAAAbAAAA-End1", "wrong"),
                ("X-AMZ-META-AAAAAAAAAA-END1", "right"), ("x-amz-meta-aaaaaaaaaa-end1", "again"),
            ],
            signedHeaders: ["host", "x-amz-meta-aaaaaaaaaa-end1"],
            payloadHash: SigV4Canonical.emptyPayloadHash
        )
        #expect(
            canonical
                == "GET\n/\n\nhost:example.com\nx-amz-meta-aaaaaaaaaa-end1:right,again\n\n"
                + "host;x-amz-meta-aaaaaaaaaa-end1\n" + SigV4Canonical.emptyPayloadHash
        )
    }

    @Test func headerNameKeys() {
        func key(_ name: String) -> HeaderNameKey { UTF8Bytes.with(name) { HeaderNameKey($0) } }
        #expect(key("Content-Type") == key("content-type"))
        #expect(key("content-type") != key("content-typf"))
        #expect(key("host") != key("hos"))
        #expect(key("x-amz-security-token") != key("x-amz-content-sha256"))
        #expect(key("abcdefgh1ijklmnop") == key("ABCDEFGH2IJKLMNOP") && !key("abcdefgh1ijklmnop").isExact)
    }

    /// `SignedHeaders` names in upper case are lowercased in the canonical request, as AWS does.
    @Test func signedHeaderNamesInAnyCase() throws {
        let request = SigningFixture.signed()
        let verifier = SigningFixture.verifier()
        var upper = request
        let index = upper.headers.firstIndex { $0.name == "Authorization" }!
        upper.headers[index].value = upper.headers[index].value.replacingOccurrences(
            of: "SignedHeaders=host;x-amz-date", with: "SignedHeaders=Host;X-Amz-Date"
        )
        #expect(upper.headers[index].value.contains("SignedHeaders=Host;X-Amz-Date"))
        _ = try verifier.verify(upper, bodySHA256Hex: nil, now: now).get()
        let result = verifier.verify(
            SigningFixture.replacingHeader("Authorization", with: "", in: request), bodySHA256Hex: nil, now: now)
        #expect(result.failureKind == .incompleteSignature)
    }

    @Test func signedHeaderList() {
        let list = SignedHeaderList(TextSlice("content-type;HOST;x-amz-date;X-Amz-Region-Set"))
        #expect(list.defect == nil && list.signsHost && list.signsRegionSet)
        for bad in ["", ";", "host;", ";host", "host;;x", "host; x", "ho\tst"] {
            #expect(SignedHeaderList(TextSlice(bad)).defect == .malformed, "\(bad)")
        }
        #expect(SignedHeaderList(TextSlice("host;a;A")).defect == .repeatedName("a"))
        let sixtyFour = (0..<64).map { "h\($0)" }.joined(separator: ";")
        #expect(SignedHeaderList(TextSlice(sixtyFour)).defect == nil)
        #expect(SignedHeaderList(TextSlice(sixtyFour + ";x")).defect == .tooManyNames)
        #expect(SignedHeaderList(TextSlice(sixtyFour + ";;x")).defect == .tooManyNames)
        #expect(SignedHeaderList(TextSlice("a;;" + sixtyFour)).defect == .malformed)
        // Past the names kept on the stack (16), a repeat is still found.
        let twenty = (0..<20).map { "h\($0)" }.joined(separator: ";")
        #expect(SignedHeaderList(TextSlice(twenty + ";H18")).defect == .repeatedName("h18"))
        #expect(SignedHeaderList(TextSlice(twenty + ";H1")).defect == .repeatedName("h1"))
        #expect(!SignedHeaderList(TextSlice("hosts;x-amz-date")).signsHost)
    }

    @Test func knownHeadersTakeTheFirstOfEachAndCountAuthorization() {
        let fields = SigV4HeaderFields([
            ("X-AMZ-DATE", "1"), ("x-amz-date", "2"), ("authorization", "a"), ("Authorization", "b"),
            ("X-Amz-Security-Token", "t"), ("X-Amz-Content-Sha256", "c"), ("Date", "d"), ("x-amz-region-set", "r"),
            ("x-amz-dates", "no"),
        ])
        // The same whether the names are strings or ranges of a head's bytes.
        let request = SigV4Request(method: "GET", path: "/", query: nil, fields: fields)
        for known in [KnownHeaders(fields), KnownHeaders(request.inBlockForm().fields)] {
            #expect(known.amzDate == 0 && known.authorization == 2 && known.authorizationCount == 2)
            #expect(known.securityToken == 4 && known.contentSHA256 == 5 && known.date == 6 && known.regionSet == 7)
        }
    }

    /// The declared payload hash is compared with the body's hash whatever the case the caller hashed in.
    @Test func declaredPayloadHashIgnoresTheCaseOfTheComputedHash() throws {
        let body = Array(#"{"order":1}"#.utf8)
        let request = SigningFixture.signed(body: body, payload: .bodyHashWithHeader)
        let pending = try SigningFixture.verifier().begin(request, now: now).get()
        _ = try pending.finish(bodySHA256Hex: SigV4Canonical.sha256Hex(body).uppercased()).get()
        #expect(pending.finish(bodySHA256Hex: nil).failureKind == .invalidSignature)
    }

    /// One cache shared by verifiers of two regions (a configuration reload) serves each its own key.
    @Test func sharedKeyCacheKeepsRegionsApart() throws {
        let cache = SigV4KeyCache()
        let east = SigV4Verifier(region: "us-east-1", keyCache: cache) { SigningFixture.identities[$0] }
        let west = SigV4Verifier(region: "eu-west-1", keyCache: cache) { SigningFixture.identities[$0] }
        let eastRequest = SigningFixture.signed()
        let westRequest = SigningFixture.signed(by: SigningFixture.signer(region: "eu-west-1"))
        for _ in 0..<2 {
            _ = try east.verify(eastRequest, bodySHA256Hex: nil, now: now).get()
            _ = try west.verify(westRequest, bodySHA256Hex: nil, now: now).get()
        }
        // A different day is a different key.
        let nextDay = SigningFixture.signed(at: now + 86_400)
        _ = try east.verify(nextDay, bodySHA256Hex: nil, now: now + 86_400).get()
    }

    @Test func swarWordOperationsMatchBytewiseOnes() {
        var state: UInt64 = 0x1234_5678_9ABC_DEF0
        var bytes = [UInt8](repeating: 0, count: 64)
        for round in 0..<600 {
            for index in bytes.indices {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                // Every byte value in the first 256 rounds' first byte, then a mix biased to ASCII edges.
                bytes[index] = index == 0 && round < 256 ? UInt8(round) : UInt8(truncatingIfNeeded: state >> 56)
            }
            bytes.withUnsafeBufferPointer { buffer in
                let word = SWAR.load(buffer, from: 0, count: 8)
                let lowered = SWAR.lowercased(word)
                for lane in 0..<8 {
                    #expect(UInt8(truncatingIfNeeded: lowered >> (8 * UInt64(lane))) == ASCII.lowercased(buffer[lane]))
                }
                for count in 0...8 {
                    let partial = SWAR.load(buffer, from: 3, count: count)
                    #expect(partial == (0..<count).reduce(0) { $0 | UInt64(buffer[3 + $1]) << (8 * UInt64($1)) })
                }
                for target: UInt8 in [0x2c, 0x00, 0xff, buffer[17]] {
                    for start in [0, 5] {
                        #expect(
                            SWAR.firstIndex(of: target, in: buffer, start..<buffer.count)
                                == buffer[start...].firstIndex(of: target)
                        )
                    }
                }
                for length in [0, 7, 8, 13, 64] {
                    let slice = UnsafeBufferPointer(rebasing: buffer[..<length])
                    #expect(SWAR.containsSpaceOrControl(slice) == slice.contains { $0 < 0x21 })
                    #expect(SWAR.containsNonASCII(slice) == slice.contains { $0 >= 0x80 })
                }
                #expect(
                    Hex.withLowercase(SHA256.hash(data: bytes)) {
                        String(decoding: $0, as: UTF8.self)
                    } == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                )
                let hex = ByteWriter.collect(capacity: 8) { writer in writer.appendHex(UnsafeRawBufferPointer(buffer)) }
                #expect(String(decoding: hex, as: UTF8.self) == bytes.map { String(format: "%02x", $0) }.joined())
            }
        }
    }

    /// Decode every valid `%XX`, encode everything outside the unreserved set, sort by name then value.
    private static func referenceCanonicalQuery(_ query: String, presigned: Bool) -> String {
        func decode(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var index = 0
            while index < bytes.count {
                let hex = Set(Array("0123456789abcdefABCDEF".utf8))
                if bytes[index] == 0x25, index + 2 < bytes.count, hex.contains(bytes[index + 1]),
                    hex.contains(bytes[index + 2]),
                    let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                {
                    out.append(value)
                    index += 3
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            return out
        }
        func encode(_ bytes: [UInt8]) -> String {
            let unreserved = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
            return bytes.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }
                .joined()
        }
        var pairs: [(String, String)] = []
        for part in query.utf8.split(separator: 0x26) {
            let bytes = Array(part)
            let equals = bytes.firstIndex(of: 0x3d)
            let name = decode(Array(bytes[..<(equals ?? bytes.count)]))
            let value = equals.map { decode(Array(bytes[($0 + 1)...])) } ?? []
            if presigned && name == Array("X-Amz-Signature".utf8) { continue }
            pairs.append((encode(name), encode(value)))
        }
        pairs.sort {
            $0.0 != $1.0
                ? Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
                : Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8))
        }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
