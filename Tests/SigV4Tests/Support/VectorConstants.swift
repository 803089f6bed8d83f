@testable import SigV4

/// The parameters shared by every case of the AWS suites (SOURCES.md).
enum VectorConstants {
    static let accessKeyID = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let region = "us-east-1"
    static let service = "service"
    /// 2015-08-30T12:36:00Z.
    static let now = AmzTimestamp(basic: "20150830T123600Z")!.epochSeconds

    static func verifier(normalize: Bool = true, token: String? = nil) -> SigV4Verifier {
        SigV4Verifier(region: region, service: service, normalizePath: normalize) { key in
            key == accessKeyID ? SigV4Identity(accessKeyID: key, secretAccessKey: secret, sessionToken: token) : nil
        }
    }
}
