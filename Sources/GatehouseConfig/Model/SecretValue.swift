/// A secret loaded from the configuration (a SigV4 secret access key, a session token).
///
/// Every textual form — `description`, `debugDescription`, `dump`, string interpolation of a containing struct —
/// prints `<redacted>`, so a secret cannot leak into logs or error messages by accident. Reading the value takes the
/// explicitly named `exposedValue`.
public struct SecretValue: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself. Only hand it to code that needs it (key derivation, constant-time comparison).
    public let exposedValue: String

    public init(_ exposedValue: String) {
        self.exposedValue = exposedValue
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
