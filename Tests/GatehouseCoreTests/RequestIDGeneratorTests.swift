import Testing

@testable import GatehouseCore

@Suite struct RequestIDGeneratorTests {
    @Test func idsAreVersion4UUIDsInLowerCase() {
        let generator = RequestIDGenerator()
        for _ in 0..<600 {  // more than one 4 KiB refill
            let id = generator.next()
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36)
            for (index, byte) in bytes.enumerated() {
                if [8, 13, 18, 23].contains(index) {
                    #expect(byte == UInt8(ascii: "-"))
                } else {
                    #expect(
                        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte), "\(id)")
                }
            }
            #expect(bytes[14] == UInt8(ascii: "4"), "version nibble in \(id)")
            #expect("89ab".utf8.contains(bytes[19]), "variant in \(id)")
        }
    }

    @Test func idsDoNotRepeat() {
        let generator = RequestIDGenerator()
        var seen = Set<String>()
        for _ in 0..<10_000 { seen.insert(generator.next()) }
        #expect(seen.count == 10_000)
    }

    @Test func formatPlacesVersionAndVariantBits() {
        #expect(RequestIDGenerator.format((0, 0)) == "00000000-0000-4000-8000-000000000000")
        #expect(RequestIDGenerator.format((.max, .max)) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    }
}
