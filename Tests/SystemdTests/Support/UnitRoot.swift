import Foundation

/// A throwaway file-system root for `systemd-analyze verify --root=`: the project's unit files in
/// /etc/systemd/system, the distribution's units (for sysinit.target & co.), and executables at the paths the units
/// name, so verify checks our files without anything installed on the machine.
struct UnitRoot {
    let directory: TemporaryDirectory
    var path: String { directory.path }
    var unitDirectory: String { path + "/etc/systemd/system" }

    init(units: [String], executables: [String] = ["/usr/bin/gatehouse", "/usr/bin/kill"]) throws {
        directory = try TemporaryDirectory("gatehouse-units")
        let files = FileManager.default
        for folder in ["usr/bin", "usr/lib/systemd", "usr/local/bin", "etc/systemd/system"] {
            try files.createDirectory(atPath: path + "/" + folder, withIntermediateDirectories: true)
        }
        try files.createSymbolicLink(atPath: path + "/bin", withDestinationPath: "usr/bin")
        try files.createSymbolicLink(atPath: path + "/lib", withDestinationPath: "usr/lib")
        let systemUnits = ["/usr/lib/systemd/system", "/lib/systemd/system"].first { files.fileExists(atPath: $0) }
        if let systemUnits {
            try files.copyItem(atPath: systemUnits, toPath: path + "/usr/lib/systemd/system")
        }
        for executable in executables {
            try "#!/bin/sh\nexit 0\n".write(toFile: path + executable, atomically: true, encoding: .utf8)
            chmod(path + executable, 0o755)
        }
        for unit in units {
            try files.copyItem(atPath: unit, toPath: unitDirectory + "/" + (unit as NSString).lastPathComponent)
        }
    }

    func remove() {
        directory.remove()
    }
}
