import Foundation
import Testing

/// The unit files in systemd/ checked by systemd's own tools: `verify` must be silent, `security` must rate the
/// service's exposure at 2.0 or below.
@Suite struct UnitFileTests {
    static let analyze = Command.which("systemd-analyze")
    static let units = [
        "gatehouse.socket", "gatehouse-admin.socket", "gatehouse.service", "gatehouse-sidecar@.service",
    ]
    static let maximumExposure = 2.0

    /// systemd-analyze, or a failure naming it: a check that cannot run must not pass.
    private static func analyzer() throws -> String {
        try #require(analyze, "systemd-analyze is not installed (scripts/setup installs systemd)")
    }

    private var unitPaths: [String] { Self.units.map { PackageRoot.unitDirectory + "/" + $0 } }

    /// Runs `systemd-analyze verify --root=ROOT` on unit names.
    private func verify(_ root: UnitRoot, _ names: [String]) throws -> CommandResult {
        try Command.run(try Self.analyzer(), ["verify", "--man=no", "--root=\(root.path)"] + names)
    }

    @Test func unitFilesExist() {
        for path in unitPaths {
            #expect(FileManager.default.fileExists(atPath: path), "\(path) is missing")
        }
        #expect(FileManager.default.fileExists(atPath: PackageRoot.unitDirectory + "/README.md"))
    }

    @Test func verifyPassesSilently() throws {
        let root = try UnitRoot(units: unitPaths)
        defer { root.remove() }
        let result = try verify(
            root,
            ["gatehouse.socket", "gatehouse-admin.socket", "gatehouse.service", "gatehouse-sidecar@orders.service"]
        )
        #expect(result.status == 0, "\(result.combinedOutput)")
        #expect(result.combinedOutput.isEmpty, "systemd-analyze verify complained:\n\(result.combinedOutput)")
    }

    @Test func verifyFailsWithoutTheExecutable() throws {
        let root = try UnitRoot(units: unitPaths, executables: ["/usr/bin/kill"])
        defer { root.remove() }
        let result = try verify(root, ["gatehouse.service"])
        #expect(result.status != 0)
        #expect(result.combinedOutput.contains("/usr/bin/gatehouse"))
    }

    @Test func verifyReportsAMistypedKey() throws {
        // Proves the silence check above has teeth: systemd only warns (exit 0) about unknown keys.
        let root = try UnitRoot(units: unitPaths)
        defer { root.remove() }
        let service = root.unitDirectory + "/gatehouse.service"
        let text = try String(contentsOfFile: service, encoding: .utf8)
        try text.replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSytem=strict")
            .write(toFile: service, atomically: true, encoding: .utf8)
        let result = try verify(root, ["gatehouse.service"])
        #expect(result.combinedOutput.contains("ProtectSytem"))
    }

    @Test(arguments: ["gatehouse.service", "gatehouse-sidecar@.service"])
    func securityExposureIsAtMostTwo(unit: String) throws {
        let result = try Command.run(
            try Self.analyzer(),
            ["security", "--offline=true", "--no-pager", PackageRoot.unitDirectory + "/" + unit]
        )
        let exposure = try #require(Self.overallExposure(result.standardOutput), "\(result.combinedOutput)")
        print("systemd-analyze security \(unit): overall exposure \(exposure)")
        #expect(exposure <= Self.maximumExposure, "\(unit) exposure \(exposure) > \(Self.maximumExposure)")
    }

    @Test func securityCatchesAWeakenedSandbox() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try String(contentsOfFile: PackageRoot.unitDirectory + "/gatehouse.service", encoding: .utf8)
        let weakened = original.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                !["Protect", "Private", "Restrict", "SystemCall", "Capability", "DynamicUser"]
                    .contains { line.hasPrefix($0) }
            }
            .joined(separator: "\n")
        let path = directory.file("gatehouse.service")
        try weakened.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Command.run(try Self.analyzer(), ["security", "--offline=true", "--no-pager", path])
        let exposure = try #require(Self.overallExposure(result.standardOutput))
        #expect(exposure > Self.maximumExposure)
    }

    @Test func exposureLineParsing() {
        #expect(Self.overallExposure("→ Overall exposure level for gatehouse.service: 1.0 OK 🙂") == 1.0)
        #expect(Self.overallExposure("→ Overall exposure level for x.service: 9.6 UNSAFE 😨") == 9.6)
        #expect(Self.overallExposure("nothing here") == nil)
    }

    /// Parses `→ Overall exposure level for UNIT: 1.2 OK 🙂`.
    static func overallExposure(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.contains("Overall exposure level") }),
            let afterColon = line.split(separator: ":").last,
            let figure = afterColon.split(separator: " ").first
        else {
            return nil
        }
        return Double(figure)
    }
}
