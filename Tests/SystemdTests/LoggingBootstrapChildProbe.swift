import Foundation
import Logging
import Testing

@testable import Systemd

/// Runs only inside the child `LoggingBootstrapTests` starts (swift-log can be bootstrapped once per process):
/// bootstraps with the requested target and logs one record carrying the parent's marker.
@Suite struct LoggingBootstrapChildProbe {
    static let modeVariable = "GATEHOUSE_SYSTEMD_BOOTSTRAP_MODE"
    static let markerVariable = "GATEHOUSE_SYSTEMD_BOOTSTRAP_MARKER"

    @Test(.enabled(if: getenv(modeVariable) != nil, "only runs as the logging bootstrap child"))
    func bootstrapAndLog() throws {
        let mode = String(cString: getenv(Self.modeVariable))
        let marker = getenv(Self.markerVariable).map { String(cString: $0) } ?? "none"
        let resolution: LogTargetResolution
        switch mode {
        case "journal-missing":
            resolution = LoggingSetup.bootstrap(
                target: .journal,
                resolver: LogTargetResolver(journalSocketPath: "/nonexistent/journal/socket")
            )
        case "journal":
            resolution = LoggingSetup.bootstrap(target: .journal)
        default:
            resolution = LoggingSetup.bootstrap(target: .stderr)
        }
        Logger(label: "gatehouse.probe").info(
            "probe record",
            metadata: [
                "GATEHOUSE_TEST_MARKER": .string(marker), "destination": .string(resolution.destination.rawValue),
            ]
        )
    }
}
