import Foundation

/// One folder of the aws-c-auth signing suite (`v4/<case>` or `v4a/<case>`) and its `context.json`.
struct AWSCAuthCase {
    let name: String
    let directory: URL
    let normalize: Bool
    let token: String?
    let omitSessionToken: Bool
    let signBody: Bool

    init(directory: URL) throws {
        self.directory = directory
        name = directory.lastPathComponent
        let data = try Data(contentsOf: directory.appendingPathComponent("context.json"))
        let context = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let credentials = context["credentials"] as? [String: Any] ?? [:]
        normalize = context["normalize"] as? Bool ?? true
        token = credentials["token"] as? String
        omitSessionToken = context["omit_session_token"] as? Bool ?? false
        signBody = context["sign_body"] as? Bool ?? false
    }

    /// Cases with expected outputs (the two v4a `get-vanilla-query-order-key/value` folders have none).
    var isComplete: Bool { TestPaths.exists(directory.appendingPathComponent("header-canonical-request.txt")) }

    func file(_ name: String) throws -> String {
        try TestPaths.read(directory.appendingPathComponent(name))
    }

    static func all(_ suite: String) throws -> [AWSCAuthCase] {
        try TestPaths.subdirectories(TestPaths.vectors.appendingPathComponent("aws-c-auth/\(suite)")).map {
            try AWSCAuthCase(directory: $0)
        }
    }
}
