import Foundation

/// A fresh folder under the system's temporary directory for one test's database files, removed by `remove()`.
struct StateTestDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "gatehouse-state-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
