import AccessPolicy

/// One API as the running gateway sees it: stages with their routes, and the compiled resource policy.
///
/// A class, like `RouteDefinition`: every request's route match, record and policy check carry it, and sharing the
/// snapshot's one immutable object costs a reference count instead of one per field.
public final class APIDefinition: Sendable {
    public let id: String
    public let name: String
    /// Extra Host names (custom domains), lower-cased.
    public let hosts: [String]
    /// Hosts that pin a stage (`{host, stage}` in `hosts`), lower-cased: requests to them carry no stage prefix.
    public let stageHosts: [String: String]
    public let stages: [String: [RouteDefinition]]
    /// nil: every authenticated caller that reached the listener is allowed.
    public let policy: ResourcePolicy?

    public init(
        id: String, name: String, hosts: [String], stageHosts: [String: String] = [:],
        stages: [String: [RouteDefinition]], policy: ResourcePolicy?
    ) {
        self.id = id
        self.name = name
        self.hosts = hosts.map { $0.lowercased() }
        self.stageHosts = Dictionary(uniqueKeysWithValues: stageHosts.map { ($0.key.lowercased(), $0.value) })
        self.stages = stages
        self.policy = policy
    }
}
