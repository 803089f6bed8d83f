/// An API's resource policy as IAM JSON text, not yet parsed (the AccessPolicy module parses it).
///
/// Keeps where the text came from so a policy that fails to parse is reported at the right place.
public struct PolicyDocumentSource: Hashable, Sendable {
    /// Where the JSON text came from.
    public enum Origin: Hashable, Sendable {
        /// Read from this file (path resolved against the configuration's folder).
        case file(path: String)
        /// Written inline in the configuration (a YAML mapping converted to JSON, or a JSON string).
        case inline
    }

    /// The IAM policy JSON text.
    public let json: String
    public let origin: Origin
    /// Position of the `policy` field in the configuration: its value for a file path or JSON string, its key for an
    /// inline mapping.
    public let location: SourceLocation

    public init(json: String, origin: Origin, location: SourceLocation) {
        self.json = json
        self.origin = origin
        self.location = location
    }

    /// Where to report a problem with the policy text itself: the policy file, or the inline field's position.
    public var documentLocation: SourceLocation {
        switch origin {
        case .file(let path): return SourceLocation(file: path)
        case .inline: return location
        }
    }
}
