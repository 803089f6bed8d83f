/// Why gatehouse-load refused to run or had to stop. Each message is one readable sentence naming what is at fault.
struct LoadError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case invalidURL(String, String)
        case notLoopback(String)
        case invalidOption(String, String)
        case unreadableFile(String, String)
        case tlsSetup(String)
        case noConnection(String)
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    static func invalidURL(_ url: String, reason: String) -> LoadError {
        LoadError(.invalidURL(url, reason))
    }

    static func notLoopback(_ host: String) -> LoadError {
        LoadError(.notLoopback(host))
    }

    static func invalidOption(_ option: String, reason: String) -> LoadError {
        LoadError(.invalidOption(option, reason))
    }

    static func unreadableFile(_ path: String, reason: String) -> LoadError {
        LoadError(.unreadableFile(path, reason))
    }

    static func tlsSetup(_ reason: String) -> LoadError {
        LoadError(.tlsSetup(reason))
    }

    static func noConnection(_ reason: String) -> LoadError {
        LoadError(.noConnection(reason))
    }

    var description: String {
        switch kind {
        case .invalidURL(let url, let reason):
            return "invalid target URL \(url): \(reason)"
        case .notLoopback(let host):
            return "refusing target host \(host): gatehouse-load only sends to loopback addresses "
                + "(127.0.0.0/8, ::1 or localhost)"
        case .invalidOption(let option, let reason):
            return "invalid \(option): \(reason)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .tlsSetup(let reason):
            return "cannot set up TLS: \(reason)"
        case .noConnection(let reason):
            return "no connection to the target could be opened: \(reason)"
        }
    }
}
