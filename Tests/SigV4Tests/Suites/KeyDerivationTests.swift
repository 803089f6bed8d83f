import Crypto
import Foundation
import GatehouseBytes
import Testing

@testable import SigV4

/// The SigV4a key derivation and the v4 signing key, against the suites' published values.
@Suite struct KeyDerivationTests {
    @Test func sigV4aPublicKeyMatchesPublicKeyJSON() throws {
        let cases = try AWSCAuthCase.all("v4a").filter(\.isComplete)
        #expect(cases.count == 38)
        let derived = SigV4aKeyDerivation.privateKey(
            accessKeyID: VectorConstants.accessKeyID, secret: VectorConstants.secret
        ).publicKey.x963Representation
        for testCase in cases {
            let data = try Data(contentsOf: testCase.directory.appendingPathComponent("public-key.json"))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
            let expected = "04" + (json["X"] ?? "") + (json["Y"] ?? "")
            #expect(Hex.string(derived) == expected.lowercased(), "\(testCase.name)")
        }
    }

    @Test func bigEndianHelpers() {
        var value = [UInt8](repeating: 0, count: 32)
        value[31] = 0xff
        value[30] = 0xff
        var expected = [UInt8](repeating: 0, count: 32)
        expected[29] = 1
        #expect(SigV4aKeyDerivation.addOne(value) == expected)
        #expect(SigV4aKeyDerivation.isGreater(expected, than: value))
        #expect(!SigV4aKeyDerivation.isGreater(value, than: expected))
        #expect(!SigV4aKeyDerivation.isGreater(value, than: value))
    }

    /// AWS documentation example: the signing key for 20150830/us-east-1/iam.
    @Test func v4SigningKeyMatchesAWSDocumentation() {
        let key = SigV4KeyDerivation.signingKey(
            secret: VectorConstants.secret, date: "20150830", region: "us-east-1", service: "iam"
        )
        let hex = key.withUnsafeBytes { Hex.string(Array($0)) }
        #expect(hex == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }
}
