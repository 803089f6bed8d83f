/// Lowest TLS version a listener negotiates (`min_version`).
public enum TLSMinimumVersion: String, Hashable, Sendable, CaseIterable {
    /// TLS 1.2 with ECDHE + AEAD suites only (Mozilla "intermediate").
    case tls12 = "1.2"
    /// TLS 1.3 only.
    case tls13 = "1.3"
}
