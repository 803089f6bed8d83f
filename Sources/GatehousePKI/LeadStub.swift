// Temporary interface stub so GatehouseCore compiles until the PKI branch lands; removed at merge.
import Foundation

public struct ClientIdentity: Sendable, Hashable {
    public var subject: String
    public var uris: [String]
    public var dnsNames: [String]
    public var sha256Hex: String
    public var xForwardedClientCert: String { "Hash=\(sha256Hex);Subject=\"\(subject)\"" }
}

public struct ClientCertificateRejection: Error, Sendable {
    public var reason: String
    public var message: String
}

public struct ClientCertificatePolicy: Sendable {
    public init(trustRootsPEM: String, crlPEM: String?, allowedClients: [String]) throws {}
    public func verify(chainDER: [[UInt8]], now: Date) async -> Result<ClientIdentity, ClientCertificateRejection> {
        .failure(ClientCertificateRejection(reason: "untrusted", message: "stub"))
    }
}
