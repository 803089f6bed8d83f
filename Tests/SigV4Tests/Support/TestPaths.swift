import Foundation

/// Locates the AWS SigV4/SigV4a test vectors the repository carries in `Tests/SigV4Tests/Vectors` (see its
/// `SOURCES.md`), next to this file's folder, so a fresh clone runs the suites with nothing from outside.
///
/// A missing or unreadable folder is an error thrown at the first listing, never an empty list: a suite that found
/// no cases must fail, not pass by checking nothing.
enum TestPaths {
    /// `Tests/SigV4Tests/Vectors`, found from this file's own path (`Support/TestPaths.swift`).
    static let vectors: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    /// Why a vector folder could not be used.
    struct MissingVectors: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String {
            "SigV4 test vectors not usable at \(path): \(reason) (they belong in Tests/SigV4Tests/Vectors)"
        }
    }

    static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    /// The sub-folders of `url`, sorted by name. Throws when `url` is not a readable folder or holds none.
    static func subdirectories(_ url: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw MissingVectors(path: url.path, reason: "no such folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw MissingVectors(path: url.path, reason: "cannot list it (\(error))")
        }
        let folders = names.sorted().map { url.appendingPathComponent($0) }.filter { child in
            var childIsDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: child.path, isDirectory: &childIsDirectory)
                && childIsDirectory.boolValue
        }
        guard !folders.isEmpty else { throw MissingVectors(path: url.path, reason: "it holds no case folders") }
        return folders
    }
}
