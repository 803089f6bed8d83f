import Prometheus

/// Renders the body of `GET /metrics`: the registry's Prometheus text format, followed by a bare `# TYPE` line
/// for each declared family the registry has no series for yet (see `MetricFamilyDeclaration`).
public struct MetricsExposition: Sendable {
    /// The Prometheus text exposition format, version 0.0.4 — what Prometheus asks for and what the registry emits.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let registry: PrometheusCollectorRegistry
    private let declaredFamilies: [MetricFamilyDeclaration]

    public init(registry: PrometheusCollectorRegistry, declaredFamilies: [MetricFamilyDeclaration]) {
        self.registry = registry
        self.declaredFamilies = declaredFamilies
    }

    /// One scrape's body. Each call takes a fresh snapshot of the registry.
    public func render() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        registry.emit(into: &output)
        let emitted = MetricsExposition.typedFamilies(in: output)
        for family in declaredFamilies where !emitted.contains(family.name) {
            output.append(contentsOf: "# TYPE \(family.name) \(family.kind.rawValue)\n".utf8)
        }
        return output
    }

    /// Names that already have a `# TYPE` line; a family must not be typed twice.
    static func typedFamilies(in text: [UInt8]) -> Set<String> {
        let marker = Array("# TYPE ".utf8)
        var names: Set<String> = []
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            if line.starts(with: marker) {
                let nameStart = line.startIndex + marker.count
                let nameEnd = line[nameStart...].firstIndex(of: UInt8(ascii: " ")) ?? line.endIndex
                names.insert(String(decoding: line[nameStart..<nameEnd], as: UTF8.self))
            }
            lineStart = lineEnd + 1
        }
        return names
    }
}
