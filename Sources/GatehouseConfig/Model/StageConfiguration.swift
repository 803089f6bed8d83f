/// A deployment stage: the first path segment of a request (`/prod/...`) and its stage variables.
public struct StageConfiguration: Hashable, Sendable {
    public let name: String
    /// `${stageVariables.NAME}` values, already expanded into integration URIs at load time.
    public let variables: [String: String]
    public let location: SourceLocation

    public init(name: String, variables: [String: String], location: SourceLocation) {
        self.name = name
        self.variables = variables
        self.location = location
    }
}
