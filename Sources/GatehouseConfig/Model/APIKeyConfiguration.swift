/// An API key (`api_keys`): the value callers send in `x-api-key`, and the `id` that logs, metrics and usage plans
/// name it by. `description` never shows the value.
public struct APIKeyConfiguration: Hashable, Sendable, CustomStringConvertible {
    public let id: String
    /// 20–128 printable ASCII characters, from `value_file` (trailing newline removed) or `value_env`.
    public let value: SecretValue
    /// A disabled key is refused (403) as an unknown one is, but stays named in plans.
    public let enabled: Bool
    public let location: SourceLocation

    public init(id: String, value: SecretValue, enabled: Bool, location: SourceLocation) {
        self.id = id
        self.value = value
        self.enabled = enabled
        self.location = location
    }

    public var description: String {
        "api key \(id) (\(enabled ? "enabled" : "disabled"))"
    }
}
