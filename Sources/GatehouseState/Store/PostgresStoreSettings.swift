import NIOSSL

/// Where the fleet's PostgreSQL is and how to log in: from `state.postgres` (`url`, `password_file`, `ca`).
public struct PostgresStoreSettings: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var password: String?
    /// PEM trust anchors for the server's certificate; when set the connection requires TLS and verifies the
    /// server's name against `host`.
    public var caFile: String?
    public var connectTimeoutSeconds: Int64
    /// How long one store operation (a batch, a refresh) may take before its connection is closed — which fails
    /// the operation so it is retried on a new connection — rather than waiting forever on a server that stopped
    /// answering.
    public var operationTimeout: Duration

    public init(
        host: String, port: Int = 5432, username: String, database: String, password: String? = nil,
        caFile: String? = nil, connectTimeoutSeconds: Int64 = 5, operationTimeout: Duration = .seconds(5)
    ) {
        self.operationTimeout = operationTimeout
        self.host = host
        self.port = port
        self.username = username
        self.database = database
        self.password = password
        self.caFile = caFile
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// The TLS configuration for the connection, or nil for plain TCP (no `ca`).
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let caFile else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}
