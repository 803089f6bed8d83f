/// An error from the PKI module: loading certificates, keys and CRLs, or writing a development PKI.
///
/// Every error carries one readable sentence that names the file (or the item) at fault, because the command line and
/// `gatehouse validate` print it as is.
public struct PKIError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case fileExists
        case fileUnreadable
        case fileUnwritable
        case invalidPEM
        case invalidCertificate
        case invalidKey
        case invalidCRL
        case untrustedCRL
        case invalidArgument
    }

    private let code: Code

    /// The readable sentence describing what went wrong.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }

    /// A file that would be written already exists and `--force` was not given.
    public static func fileExists(_ path: String) -> PKIError {
        PKIError(.fileExists, "\(path) already exists; use --force to overwrite it.")
    }

    /// A file could not be read.
    public static func fileUnreadable(_ path: String, _ reason: String) -> PKIError {
        PKIError(.fileUnreadable, "Cannot read \(path): \(reason).")
    }

    /// A file or folder could not be written.
    public static func fileUnwritable(_ path: String, _ reason: String) -> PKIError {
        PKIError(.fileUnwritable, "Cannot write \(path): \(reason).")
    }

    /// The content is not PEM of the expected kind.
    public static func invalidPEM(_ source: String, _ reason: String) -> PKIError {
        PKIError(.invalidPEM, "\(source) is not valid PEM: \(reason).")
    }

    /// A certificate could not be parsed.
    public static func invalidCertificate(_ source: String, _ reason: String) -> PKIError {
        PKIError(.invalidCertificate, "\(source) holds an invalid certificate: \(reason).")
    }

    /// A private key could not be parsed or does not match its certificate.
    public static func invalidKey(_ source: String, _ reason: String) -> PKIError {
        PKIError(.invalidKey, "\(source) holds an unusable private key: \(reason).")
    }

    /// A CRL could not be parsed or is not acceptable.
    public static func invalidCRL(_ source: String, _ reason: String) -> PKIError {
        PKIError(.invalidCRL, "\(source) holds an invalid CRL: \(reason).")
    }

    /// A CRL is not signed by any configured CA certificate.
    public static func untrustedCRL(_ source: String, issuer: String) -> PKIError {
        PKIError(
            .untrustedCRL,
            "\(source) holds a CRL issued by \"\(issuer)\" that is not signed by any certificate in the client CA file."
        )
    }

    /// A command-line or API argument is not acceptable.
    public static func invalidArgument(_ message: String) -> PKIError {
        PKIError(.invalidArgument, message)
    }
}
