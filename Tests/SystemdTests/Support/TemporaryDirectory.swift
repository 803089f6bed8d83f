import Foundation

/// A fresh directory under /tmp, removed by `remove()`. Paths stay short: unix socket paths are limited to 108 bytes.
struct TemporaryDirectory: Sendable {
    let path: String

    init(_ prefix: String = "gatehouse-systemd") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        path = String(cString: created)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
