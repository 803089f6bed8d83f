/// A file named by the configuration, its path resolved against the configuration file's folder.
///
/// The location is that of the YAML field naming the file, so a file that later fails to load (a certificate that
/// does not parse, a key that does not match) can be reported at the field.
public struct ConfiguredFile: Hashable, Sendable, CustomStringConvertible {
    /// Absolute (or configuration-relative resolved) path.
    public let path: String
    /// Position of the field that names the file.
    public let location: SourceLocation

    public init(path: String, location: SourceLocation) {
        self.path = path
        self.location = location
    }

    public var description: String { path }
}
