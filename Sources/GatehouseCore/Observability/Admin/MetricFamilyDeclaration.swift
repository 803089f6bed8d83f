/// A metric family that `/metrics` announces with a `# TYPE` line even before it has a sample.
///
/// swift-prometheus only emits families that have at least one labelled series, and series of families such as
/// `gatehouse_requests_total` only come into being with their first request. Announcing the family anyway lets
/// a scraper, a dashboard or an acceptance test see from the first scrape that it exists and what type it has.
public struct MetricFamilyDeclaration: Sendable, Hashable {
    /// The Prometheus text-format types Gatehouse emits.
    public enum Kind: String, Sendable {
        case counter
        case gauge
        case histogram
    }

    public var name: String
    public var kind: Kind
    /// Label names of the family's series (the `le` of histogram buckets aside); documentation and tests only.
    public var labels: [String]

    public init(name: String, kind: Kind, labels: [String]) {
        self.name = name
        self.kind = kind
        self.labels = labels
    }
}
