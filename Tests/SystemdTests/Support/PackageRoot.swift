import Foundation

/// The package's root folder, found from this file's location so tests work from any working directory.
enum PackageRoot {
    static var path: String {
        // .../Tests/SystemdTests/Support/PackageRoot.swift -> ...
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var unitDirectory: String { path + "/systemd" }
}
